package dev.zt.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Per-identity streaming baselines, in bounded memory (at most {@code maxIdentities}, each a few hundred bytes; idle
 * ones expire after a day). The model and its limits are in docs/continuous-verification.md.
 */
final class Behaviour {

  static final int LEARNING_REQUESTS = 20;
  private static final int MAX_ROUTES = 32;
  private static final int MAX_COUNTRIES = 8;

  private static final SignalResult LEARNING = SignalResult.abstain("learning");
  private static final SignalResult USUAL = SignalResult.of(1.0, "as usual");

  private final Cache<String, Baseline> baselines;

  Behaviour(long maxIdentities) {
    this.baselines = Caffeine.newBuilder().maximumSize(maxIdentities).expireAfterAccess(Duration.ofDays(1))
        .executor(Runnable::run).build();
  }

  /** Scores the request against the identity's baseline, then learns from it. */
  SignalResult observe(String identity, String route, String country, Instant now) {
    Baseline b = baselines.getIfPresent(identity);
    if (b == null) {
      b = baselines.get(identity, k -> new Baseline(now.toEpochMilli()));
    }
    return b.observe(route, country, now.toEpochMilli());
  }

  /** Records the outcome status of one of the identity's requests (error ratio). */
  void outcome(String identity, int status) {
    Baseline b = baselines.getIfPresent(identity);
    if (b != null) {
      b.outcome(status >= 400);
    }
  }

  /** One identity's baseline. */
  static final class Baseline {
    private long n;
    private long minute;
    private long minuteCount;
    private double perMinute; // EWMA of requests per active minute
    private double errorRatio; // EWMA of error outcomes
    private final int[] hours = new int[24];
    private final Set<String> routes = new HashSet<>();
    private final Set<String> countries = new HashSet<>();

    Baseline(long now) {
      this.minute = now / 60_000;
    }

    synchronized SignalResult observe(String route, String country, long nowMillis) {
      long m = nowMillis / 60_000;
      if (m != minute) {
        perMinute = n == 0 ? minuteCount : 0.2 * minuteCount + 0.8 * perMinute;
        minute = m;
        minuteCount = 0;
      }
      minuteCount++;
      int hour = (int) Math.floorMod(nowMillis / 3_600_000L, 24L);
      SignalResult result;
      if (n < LEARNING_REQUESTS) {
        result = LEARNING;
      } else {
        double score = 1.0;
        String why = "as usual";
        if (minuteCount > Math.max(30, 5 * perMinute)) {
          score = 0.4;
          why = "request rate " + minuteCount + "/min against a usual " + Math.round(perMinute);
        }
        if (country != null && !countries.isEmpty() && !countries.contains(country) && score > 0.4) {
          score = 0.4;
          why = "new country " + country;
        }
        if (errorRatio > 0.5 && score > 0.5) {
          score = 0.5;
          why = "error ratio " + Math.round(errorRatio * 100) + "%";
        }
        if (hours[hour] * 50L < n && score > 0.7) {
          score = 0.7;
          why = "unusual hour " + hour + ":00 UTC";
        }
        if (route != null && !routes.contains(route) && routes.size() < MAX_ROUTES && score > 0.8) {
          score = 0.8;
          why = "new route";
        }
        result = score == 1.0 ? USUAL : SignalResult.of(score, why);
      }
      n++;
      hours[hour]++;
      if (route != null && routes.size() < MAX_ROUTES && !routes.contains(route)) {
        routes.add(route);
      }
      if (country != null && countries.size() < MAX_COUNTRIES && !countries.contains(country)) {
        countries.add(country);
      }
      return result;
    }

    synchronized void outcome(boolean error) {
      errorRatio = 0.1 * (error ? 1 : 0) + 0.9 * errorRatio;
    }
  }
}
