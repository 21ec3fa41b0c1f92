package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SingleUse.Use;
import dev.zt.core.spi.StateUnavailableException;
import dev.zt.core.spi.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a real redis-server that speaks only TLS, with a private CA the test issues: the server is
 * verified (its chain against the trusted certificates, its name against the URI's host), an ACL user logs in over
 * TLS, and every way of getting either wrong fails {@code build()} with a clear error.
 */
class RedisTlsTests {

  private static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 1000);
  private static final Duration TTL = Duration.ofMinutes(5);

  @TempDir
  static Path dir;
  private static RedisTestCa ca;
  private static Path caPem;
  private static RedisServerProcess server;

  @BeforeAll
  static void startServer() throws IOException {
    ca = RedisTestCa.create("zt test redis CA");
    Path files = Files.createDirectory(dir.resolve("server"));
    caPem = ca.writeCertificate(dir.resolve("trusted.pem"));
    server = RedisServerProcess.startTls(ca.server(files, "localhost", "127.0.0.1"),
        List.of("--user", "zt", "on", ">s3cret-pw", "~*", "&*", "+@all"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private String uri(String host) {
    return "rediss://" + host + ":" + server.port();
  }

  @Test
  void putIfAbsentWhenConnectedOverTlsToATrustedServerThenFirstThenReplay() {
    try (RedisState state = RedisState.builder(server.uri()).namespace("tls").trustedCertificates(caPem).build()) {
      SingleUse store = state.singleUse("dpop", SETTINGS);
      assertThat(store.putIfAbsent("jti-1", TTL)).isEqualTo(Use.FIRST);
      assertThat(store.putIfAbsent("jti-1", TTL)).isEqualTo(Use.REPLAY);
      assertThat(state.degraded()).isFalse();
    }
  }

  @Test
  void buildWhenConnectedByHostNameTheCertificateListsThenConnects() {
    try (RedisState state = RedisState.builder(uri("localhost")).namespace("tls").trustedCertificates(caPem)
        .build()) {
      assertThat(state.singleUse("dpop", SETTINGS).putIfAbsent("jti-host", TTL)).isEqualTo(Use.FIRST);
    }
  }

  @Test
  void buildWhenServerCertificateIsFromAnotherCaThenFailsWithATlsError() {
    Path other = RedisTestCa.create("another CA").writeCertificate(dir.resolve("other.pem"));
    assertThatThrownBy(() -> RedisState.builder(server.uri()).trustedCertificates(other).build())
        .isInstanceOf(StateUnavailableException.class)
        .hasMessageStartingWith("TLS to Redis refused the server")
        .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
  }

  @Test
  void buildWhenNoTrustedCertificatesGivenThenTheJvmTrustStoreRefusesThePrivateCa() {
    assertThatThrownBy(() -> RedisState.builder(server.uri()).build())
        .isInstanceOf(StateUnavailableException.class)
        .hasMessageStartingWith("TLS to Redis refused the server");
  }

  @Test
  void buildWhenTheHostNameIsNotInTheCertificateThenFailsUnlessHostnameVerificationIsSkippedByName() throws Exception {
    Path files = Files.createDirectory(dir.resolve("other-name"));
    try (RedisServerProcess named = RedisServerProcess.startTls(ca.server(files, "redis.internal"), List.of())) {
      assertThatThrownBy(() -> RedisState.builder(named.uri()).trustedCertificates(caPem).build())
          .isInstanceOf(StateUnavailableException.class)
          .hasMessageStartingWith("TLS to Redis refused the server")
          .hasCauseInstanceOf(io.lettuce.core.RedisConnectionException.class)
          .satisfies(e -> assertThat(hasCause(e, SSLException.class)).isTrue());
      try (RedisState state = RedisState.builder(named.uri()).trustedCertificates(caPem)
          .unsafeSkipHostnameVerification().build()) {
        assertThat(state.singleUse("dpop", SETTINGS).putIfAbsent("jti-2", TTL)).isEqualTo(Use.FIRST);
      }
    }
  }

  @Test
  void buildWhenTheUriAsksForLessVerificationThenRefusedBeforeConnecting() {
    for (String weak : List.of("?verifyPeer=NONE", "?verifyPeer=CA")) {
      assertThatThrownBy(() -> RedisState.builder(server.uri() + weak).trustedCertificates(caPem).build())
          .as(weak)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weakens TLS verification");
    }
  }

  @Test
  void buildWhenTlsSettingsGivenForAPlainUriThenRefused() {
    assertThatThrownBy(() -> RedisState.builder("redis://127.0.0.1:" + server.port()).trustedCertificates(caPem)
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rediss://");
    assertThatThrownBy(() -> RedisState.builder("redis://127.0.0.1:" + server.port())
        .unsafeSkipHostnameVerification().build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trustedCertificatesWhenSetTwiceOrNotPemThenFailsFast() throws IOException {
    assertThatThrownBy(() -> RedisState.builder(server.uri()).trustedCertificates(caPem).trustedCertificates(caPem))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("trustedCertificates");
    Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
    assertThatThrownBy(() -> RedisState.builder(server.uri()).trustedCertificates(notPem).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.pem");
  }

  @Test
  void buildWhenAnAclUserLogsInOverTlsThenConnectsAndAWrongPasswordFails() {
    String acl = "rediss://zt:s3cret-pw@127.0.0.1:" + server.port();
    try (RedisState state = RedisState.builder(acl).namespace("tls-acl").trustedCertificates(caPem).build()) {
      SingleUse store = state.singleUse("dpop", SETTINGS);
      assertThat(store.putIfAbsent("jti-acl", TTL)).isEqualTo(Use.FIRST);
      assertThat(store.putIfAbsent("jti-acl", TTL)).isEqualTo(Use.REPLAY);
    }
    assertThatThrownBy(() -> RedisState.builder("rediss://zt:wrong@127.0.0.1:" + server.port())
        .trustedCertificates(caPem).build()).isInstanceOf(RuntimeException.class)
        .satisfies(e -> assertThat(hasCause(e, SSLException.class)).isFalse());
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
