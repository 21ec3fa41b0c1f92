package dev.zt.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.redis.RedisServerProcess;
import dev.zt.redis.RedisState;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Redis-backed rate gate (issue 17, acceptance 3), against a real {@code redis-server} the benchmark starts on a
 * free loopback port (zt-redis's {@link RedisServerProcess}; nothing persisted).
 *
 * <p><b>The gate</b> ({@link GateState}): a whole {@link Enforcer#enforce} of {@code GET /orders} with a cached
 * bearer token and the rate gate on (trust signals and inspection off, so the difference between the stores is the
 * state's cost), the enforcer's state being
 *
 * <ul>
 *   <li>{@code memory}: {@link SecurityState#inMemory()}, the embedded default — the baseline;
 *   <li>{@code redisLease}: {@link RedisState} with local leases ({@code leaseShare 0.05}, the default): an instance
 *       takes 5 % of a key's budget at a time and spends it locally;
 *   <li>{@code redisNoLease}: {@link RedisState} with {@code leaseShare(0)}: every request is a Redis round trip.
 * </ul>
 *
 * each for one hot identity and for 10 000 identities taken in turn (one token each, all validated in setup). The
 * limit is large ({@link #LIMIT} per second per identity), so the gate admits every request and Redis is really
 * asked; every operation checks that the decision is an allow. Throughput with 1 and 4 client threads
 * ({@link #gate}, {@link #gate4}); latency percentiles from {@link #gateLatency} (SampleTime: p50, p99).
 *
 * <p><b>The bucket</b> ({@link BucketState}): one {@code tryConsume()} on a held handle, Bucket4j's own Redis
 * integration ({@code bucket4j_jdk17-lettuce}, {@code LettuceBasedProxyManager}, compare-and-swap on the serialized
 * bucket) against zt-redis's Lua bucket without leases, the same key shape ({@code <namespace>:rate:<SHA-256>}), one
 * hot key and 10 000 keys — the "measure before you choose" of the issue.
 */
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RedisRateBenchmark {

  /**
   * The limit per identity: 10⁹ per second, far above what a run reaches, so every request is admitted. (Until leases
   * gave their unused tokens back, this was per hour: a lease of 2²⁰ tokens lasted 1 ms and a hot identity was charged
   * the whole limit; see the README.)
   */
  static final long LIMIT = 1_000_000_000L;
  static final Duration PERIOD = Duration.ofSeconds(1);

  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "orders-api";
  static final String SCOPE = "orders:read";

  /** An enforcer with the rate gate on one of the three states, and the tokens of its identities. */
  @State(Scope.Benchmark)
  public static class GateState {

    @Param({"memory", "redisLease", "redisNoLease"})
    public String store;

    @Param({"1", "10000"})
    public int identities;

    RedisServerProcess server;
    RedisState redis;
    Enforcer enforcer;
    /** One Authorization value per identity; the request is built per operation, as an adapter builds it. */
    String[] authorizations;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      SecurityState state;
      switch (store) {
        case "memory" -> state = SecurityState.inMemory();
        case "redisLease" -> {
          server = RedisServerProcess.start();
          redis = RedisState.builder(server.uri()).namespace("bench").leaseShare(0.05).build();
          state = redis;
        }
        case "redisNoLease" -> {
          server = RedisServerProcess.start();
          redis = RedisState.builder(server.uri()).namespace("bench").leaseShare(0).build();
          state = redis;
        }
        default -> throw new IllegalArgumentException(store);
      }
      RSAKey key = new RSAKeyGenerator(2048).keyID("bench").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .generate();
      enforcer = Enforcer.builder()
          .bearerJwt(BearerJwt.issuer(ISSUER).audience(AUDIENCE)
              .keySource(new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())))
              .validatedTokenCacheSize(2L * identities + 100)
              .unsafeUnlimitedValidations()
              .build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes(SCOPE)).build())
          .openTelemetry(OpenTelemetry.noop())
          .trust(TrustPolicy.builder().build())
          .rateLimits(RatePolicy.builder()
              .defaultLimit(RateLimit.of("bench", LIMIT, PERIOD))
              .maxBuckets(Math.max(100, 2L * identities))
              .build())
          .detection(Detection.off())
          .state(state)
          .build();
      RSASSASigner signer = new RSASSASigner(key);
      Instant now = Instant.now();
      authorizations = IntStream.range(0, identities).parallel()
          .mapToObj(i -> "Bearer " + token(signer, "user-" + i, now))
          .toArray(String[]::new);
      // every identity validated (cache) and its bucket created before anything is measured
      for (String a : authorizations) {
        requireAllowed(enforcer.enforce(request(a)).toCompletableFuture().join());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (redis != null) {
        redis.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }

  /** Each client thread walks the identities (or keys) from its own random start. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = ThreadLocalRandom.current().nextInt(1 << 20);

    int next(int n) {
      int i = next++ % n;
      if (next == Integer.MAX_VALUE) {
        next = 0;
      }
      return i;
    }
  }

  /** One enforcement through the rate gate, one client thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public Decision gate(GateState s, Cursor c) {
    return enforce(s, c);
  }

  /** As {@link #gate}, four client threads (one identity: all four on one key). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public Decision gate4(GateState s, Cursor c) {
    return enforce(s, c);
  }

  /** As {@link #gate}, sampled: the latency distribution (p50, p99) of one enforcement. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public Decision gateLatency(GateState s, Cursor c) {
    return enforce(s, c);
  }

  private static Decision enforce(GateState s, Cursor c) {
    RequestContext request = request(s.authorizations[c.next(s.authorizations.length)]);
    return requireAllowed(s.enforcer.enforce(request).toCompletableFuture().join());
  }

  /** Bucket handles under 1 or 10 000 keys: Bucket4j's Lettuce proxy or zt-redis's Lua bucket without leases. */
  @State(Scope.Benchmark)
  public static class BucketState {

    @Param({"bucket4jLettuce", "ztLua"})
    public String impl;

    @Param({"1", "10000"})
    public int keys;

    RedisServerProcess server;
    RedisClient client;
    StatefulRedisConnection<String, byte[]> connection;
    RedisState redis;
    /** {@code tryConsume()} on a held handle, one per key. */
    Consume[] handles;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      server = RedisServerProcess.start();
      String[] names = IntStream.range(0, keys).mapToObj(i -> "bench:rate:" + sha256("user-" + i + "\u0000orders"))
          .toArray(String[]::new);
      handles = new Consume[keys];
      switch (impl) {
        case "bucket4jLettuce" -> {
          client = RedisClient.create(server.uri());
          connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
          connection.setTimeout(Duration.ofMillis(100));
          ProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(connection)
              .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                  Duration.ofSeconds(10)))
              .build();
          BucketConfiguration config = BucketConfiguration.builder()
              .addLimit(l -> l.capacity(LIMIT).refillIntervally(LIMIT, PERIOD))
              .build();
          for (int i = 0; i < keys; i++) {
            BucketProxy b = proxies.builder().build(names[i], () -> config);
            handles[i] = () -> b.tryConsume(1);
          }
        }
        case "ztLua" -> {
          redis = RedisState.builder(server.uri()).namespace("bench").leaseShare(0).build();
          RateBuckets store = redis.rateBuckets("rate", new StoreSettings(Clock.systemUTC(), 2L * keys + 100));
          List<RateBuckets.Band> bands = List.of(
              new RateBuckets.Band("bench", LIMIT, PERIOD, RateBuckets.Refill.INTERVALLY));
          for (int i = 0; i < keys; i++) {
            // zt-redis hashes the key it is given: hand it the same plain key Bucket4j gets
            RateBucket b = store.bucket("user-" + i + "\u0000orders", bands);
            handles[i] = b::tryConsume;
          }
        }
        default -> throw new IllegalArgumentException(impl);
      }
      for (Consume h : handles) {
        requireConsumed(h.tryConsume());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (connection != null) {
        connection.close();
      }
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      if (redis != null) {
        redis.close();
      }
      server.close();
    }
  }

  /** A held bucket handle's {@code tryConsume()}. */
  @FunctionalInterface
  interface Consume {
    boolean tryConsume();
  }

  /**
   * One {@code tryConsume()} on a held handle, four client threads (one key: four threads contend on it). One thread's
   * cost is {@link #bucketLatency}'s.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public boolean bucket4(BucketState s, Cursor c) {
    return requireConsumed(s.handles[c.next(s.handles.length)].tryConsume());
  }

  /** One {@code tryConsume()} on a held handle, one client thread, sampled: p50 and p99 of one consumption. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public boolean bucketLatency(BucketState s, Cursor c) {
    return requireConsumed(s.handles[c.next(s.handles.length)].tryConsume());
  }

  // ---------------------------------------------------------------------------------------------------- helpers

  private static String token(RSASSASigner signer, String subject, Instant now) {
    try {
      SignedJWT jwt = new SignedJWT(
          new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").type(JOSEObjectType.JWT).build(),
          new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
              .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(30))))
              .claim("scope", SCOPE).build());
      jwt.sign(signer);
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RequestContext request(String authorization) {
    List<String> values = List.of(authorization);
    return RequestContext.builder("GET", "/orders")
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? values : List.of())
        .build();
  }

  private static Decision requireAllowed(Decision d) {
    if (!(d instanceof Decision.Allow)) {
      throw new IllegalStateException("the rate gate did not allow the request: " + d);
    }
    return d;
  }

  private static boolean requireConsumed(boolean consumed) {
    if (!consumed) {
      throw new IllegalStateException("the bucket refused a token: the limit cannot be reached in a run");
    }
    return true;
  }

  private static String sha256(String value) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
