package dev.zt.core.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Caller;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.TestCredentials;
import dev.zt.core.internal.pipeline.CoreAccess;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** zt's own trust signals on callers built directly (moved from zt-testkit's credential tests). */
class BuiltInSignalsTests {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  private static Caller caller(Optional<Instant> issuedAt) {
    return CoreAccess.callers().caller(TestCredentials.jwt("RS256", Optional.empty(), Map.of(), "https://issuer.test",
        Optional.of("user-1"), List.of("api"), NOW.plusSeconds(600), issuedAt, Optional.empty(), Optional.empty(),
        Optional.empty(), Set.of("orders:read")), Set.of());
  }

  @Test
  void tokenAgeWhenIatMissingThenScoresItsAgeAsOldest() {
    RequestContext request = RequestContext.builder("GET", "/orders").build();
    assertThat(BuiltInSignals.tokenAge(request, caller(Optional.empty()), Optional.empty(), NOW.toEpochMilli())
        .score()).isEqualTo(0.5);
    assertThat(BuiltInSignals.tokenAge(request, caller(Optional.of(NOW)), Optional.empty(), NOW.toEpochMilli())
        .score()).isEqualTo(1.0);
  }
}
