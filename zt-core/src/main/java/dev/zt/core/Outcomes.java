package dev.zt.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.zt.core.detect.Severity;
import dev.zt.core.detect.Verdict;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The detectors that watch outcomes rather than requests: credential stuffing (401s per source, and spread across
 * many sources) and API enumeration (one identity walking many paths with a high 403/404 ratio). They are fed every
 * denial the enforcer makes and every status an adapter reports after the application answered.
 */
final class Outcomes {

  private final Detection detection;
  private final Responses responses;
  private final Clock clock;
  private final Cache<String, WindowCounter> failuresBySource;
  private final Cache<String, Walk> walks;
  private final Spread spread;

  Outcomes(Detection detection, Responses responses, Clock clock, long maxEntries) {
    this.detection = detection;
    this.responses = responses;
    this.clock = clock;
    this.failuresBySource = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.stuffingWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.walks = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.enumerationWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.spread = new Spread(detection.distributedWindow().toMillis(), detection.distributedSources() * 4);
  }

  void observe(String identity, Optional<InetAddress> source, Optional<VerifiedJwt> token, String path, int status) {
    long now = clock.millis();
    if (status == 401 && source.isPresent() && detection.stuffingEnabled()) {
      String addr = source.get().getHostAddress();
      WindowCounter c = failuresBySource.get(addr,
          k -> new WindowCounter(detection.stuffingWindow().toMillis(), now));
      long n = c.add(now);
      if (n >= detection.stuffingPerSource()) {
        c.reset();
        responses.onVerdict(new Verdict("stuffing.source", Severity.HIGH,
            n + " authentication failures from " + addr + " within " + seconds(detection.stuffingWindow())),
            "ip:" + addr, Optional.empty(), source);
      }
      Optional<String> wide = spread.failure(addr, now, detection.distributedFailures(),
          detection.distributedSources());
      wide.ifPresent(evidence -> responses.onVerdict(new Verdict("stuffing.distributed", Severity.MEDIUM, evidence),
          "global", Optional.empty(), Optional.empty()));
    }
    if (status >= 200 && status < 400) {
      // the common case: an identity that is not walking into 403/404s has no walk, and costs one lookup
      Walk w = walks.getIfPresent(identity);
      if (w != null) {
        w.success(now, detection);
      }
    } else if ((status == 403 || status == 404) && !identity.equals("unknown")) {
      Walk w = walks.get(identity, k -> new Walk());
      Optional<String> evidence = w.miss(path, now, detection);
      evidence.ifPresent(e -> responses.onVerdict(new Verdict("enumeration.identity", Severity.HIGH, e), identity,
          token, source));
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  /** One identity's walk through the API within the current window. */
  private static final class Walk {
    private long windowStart = Long.MIN_VALUE;
    private int total;
    private int errors;
    private final Set<Integer> paths = new HashSet<>();

    synchronized void success(long now, Detection d) {
      roll(now, d);
      total++;
    }

    private void roll(long now, Detection d) {
      long window = d.enumerationWindow().toMillis();
      if (windowStart == Long.MIN_VALUE || now - windowStart >= window || now < windowStart) {
        windowStart = now;
        total = 0;
        errors = 0;
        paths.clear();
      }
    }

    /** A 403/404: the distinct paths counted are those that missed. */
    synchronized Optional<String> miss(String path, long now, Detection d) {
      roll(now, d);
      total++;
      errors++;
      if (paths.size() < 4096) {
        paths.add(path.hashCode());
      }
      if (paths.size() >= d.enumerationDistinctPaths() && errors >= d.enumerationErrorRatio() * total) {
        String evidence = paths.size() + " distinct paths, " + errors + "/" + total + " answered 403/404 within "
            + d.enumerationWindow().toSeconds() + " s";
        windowStart = Long.MIN_VALUE;
        return Optional.of(evidence);
      }
      return Optional.empty();
    }
  }

  /** Failures across all sources in the current window: low-and-slow stuffing from many addresses. */
  private static final class Spread {
    private final long window;
    private final int maxTracked;
    private long windowStart = Long.MIN_VALUE;
    private long failures;
    private final Set<String> sources = new HashSet<>();
    private boolean reported;

    Spread(long window, int maxTracked) {
      this.window = window;
      this.maxTracked = maxTracked;
    }

    synchronized Optional<String> failure(String source, long now, int failuresNeeded, int sourcesNeeded) {
      if (windowStart == Long.MIN_VALUE || now - windowStart >= window || now < windowStart) {
        windowStart = now;
        failures = 0;
        sources.clear();
        reported = false;
      }
      failures++;
      if (sources.size() < maxTracked) {
        sources.add(source);
      }
      if (!reported && failures >= failuresNeeded && sources.size() >= sourcesNeeded) {
        reported = true;
        return Optional.of(failures + " authentication failures from " + sources.size() + "+ sources within "
            + window / 1000 + " s");
      }
      return Optional.empty();
    }
  }
}
