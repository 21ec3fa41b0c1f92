package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SingleUse.Use;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis that is up but does not answer (CLIENT PAUSE) costs a call its deadline, not more; and an ACL user's
 * credentials in the URI are what lets a client in.
 */
class RedisDeadlineTests {

  private static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 1000);
  private static RedisServerProcess server;

  @BeforeAll
  static void startServer() {
    // an ACL user for zt; the default user keeps no password so the test can pause the server
    server = RedisServerProcess.start(List.of("--user", "zt", "on", ">s3cret-pw", "~*", "&*", "+@all"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static void unpause(StatefulRedisConnection<String, String> admin) {
    admin.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
        new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
  }

  private String aclUri() {
    return "redis://zt:s3cret-pw@127.0.0.1:" + server.port();
  }

  @Test
  void putIfAbsentWhenRedisDoesNotAnswerThenUnavailableAfterTheDeadline() {
    try (RedisState state = RedisState.builder(aclUri()).namespace("deadline").build();
        RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> admin = raw.connect()) {
      var store = state.singleUse("dpop", SETTINGS);
      assertThat(store.putIfAbsent("warm-up", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);

      admin.sync().clientPause(1500);
      long start = System.nanoTime();
      Use use = store.putIfAbsent("jti-1", Duration.ofMinutes(1));
      long millis = (System.nanoTime() - start) / 1_000_000;

      unpause(admin);

      assertThat(use).isEqualTo(Use.UNAVAILABLE);
      assertThat(millis).isBetween(90L, 600L); // the 100 ms deadline, with room for a busy machine
      assertThat(state.degraded()).isTrue();
      System.out.printf("zt-redis: single-use answer with Redis paused took %d ms (deadline 100 ms)%n", millis);
    }
  }

  @Test
  void suspendWhenRedisDoesNotAnswerThenReturnsAtOnceEnforcesLocallyAndBuffersAfterTheDeadline() {
    // a write may run on a Netty event loop: it never waits for Redis, not even for the deadline
    try (RedisState state = RedisState.builder(aclUri()).namespace("deadline2").timeout(Duration.ofMillis(300))
        .reconcileEvery(Duration.ofHours(1)).build();
        RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> admin = raw.connect()) {
      Suspensions s = state.suspensions(SETTINGS);
      SourceBlocks blocks = state.sourceBlocks(SETTINGS);
      IdentityFlags flags = state.identityFlags(SETTINGS);
      admin.sync().clientPause(1500);
      long start = System.nanoTime();
      long millis;
      try {
        s.suspendSubject("mallory", "detect.sqli", Duration.ofMinutes(1));
        assertThat(s.lift("nobody")).isFalse();
        blocks.block("198.51.100.7", SourceBlocks.Scope.ALL, "stuffing.source", Duration.ofMinutes(1));
        flags.set(IdentityFlags.Flag.THROTTLED, "sub:mallory", "enumeration.identity", Duration.ofMinutes(1));
        millis = (System.nanoTime() - start) / 1_000_000;
        Await.until(Duration.ofSeconds(1), () -> ((RedisSuspensions) s).pending() == 2
            && ((RedisSourceBlocks) blocks).engine().pending() == 1
            && ((RedisIdentityFlags) flags).engine().pending() == 1, "buffered after the deadline");
        assertThat(state.degraded()).isTrue();
      } finally {
        unpause(admin);
      }
      System.out.printf("zt-redis: four writes with Redis paused returned in %d ms (deadline 300 ms)%n", millis);
      assertThat(millis).as("returned before the 300 ms deadline: no write waited for it").isLessThan(300);
      assertThat(s.check("t", Optional.of("mallory"), Optional.empty())).isEqualTo(Presence.PRESENT);
      assertThat(s.check("t", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.ABSENT);
      assertThat(blocks.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
      assertThat(flags.check(IdentityFlags.Flag.THROTTLED, "sub:mallory")).isEqualTo(Presence.PRESENT);
    }
  }

  @Test
  void buildWhenAclPasswordWrongOrMissingThenThrows() {
    String wrong = "redis://zt:wrong@127.0.0.1:" + server.port();
    assertThatThrownBy(() -> RedisState.builder(wrong).build()).isInstanceOf(RedisException.class);
    String unknown = "redis://nobody:s3cret-pw@127.0.0.1:" + server.port();
    assertThatThrownBy(() -> RedisState.builder(unknown).build()).isInstanceOf(RedisException.class);
  }

  @Test
  void buildWhenAclUserInUriThenConnects() {
    try (RedisState state = RedisState.builder(aclUri()).namespace("acl").build()) {
      assertThat(state.singleUse("dpop", SETTINGS).putIfAbsent("k", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);
    }
  }
}
