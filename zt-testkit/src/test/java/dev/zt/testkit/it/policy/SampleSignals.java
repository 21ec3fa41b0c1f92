package dev.zt.testkit.it.policy;

import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustSignal;
import dev.zt.policy.PolicyExtensions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The orders sample's header signals (its OrdersSecurity, which zt-testkit does not depend on), for the tests. */
final class SampleSignals {

  private SampleSignals() {}

  static final TrustSignal DEVICE_POSTURE_HEADER = ctx -> {
    List<String> v = ctx.request().headers().values("X-Device-Posture");
    if (v.isEmpty()) {
      return SignalResult.abstain("no posture reported");
    }
    return switch (v.get(0).strip().toLowerCase(Locale.ROOT)) {
      case "compliant" -> SignalResult.of(1.0, "device compliant");
      case "noncompliant" -> SignalResult.hardFail("device non-compliant");
      default -> SignalResult.of(0.5, "device posture unknown");
    };
  };

  static Optional<String> countryHeader(TrustContext ctx) {
    List<String> v = ctx.request().headers().values("X-Geo-Country");
    if (v.isEmpty() || !v.get(0).strip().matches("[A-Za-z]{2}")) {
      return Optional.empty();
    }
    return Optional.of(v.get(0).strip().toUpperCase(Locale.ROOT));
  }

  static PolicyExtensions extensions() {
    return PolicyExtensions.builder().signal("device-posture", DEVICE_POSTURE_HEADER)
        .countryResolver("geo-header", SampleSignals::countryHeader).build();
  }
}
