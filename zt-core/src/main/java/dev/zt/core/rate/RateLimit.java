package dev.zt.core.rate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named limit made of one or more bandwidths, all of which must have room (e.g. a burst and a sustained rate).
 * Each bandwidth allows {@code capacity} requests per {@code period}, refilled all at once at the end of each period
 * (so "50 per 10 s" means at most 50 in any one of those windows).
 *
 * @param name the policy name shown in {@code RateLimit-Policy}
 * @param bandwidths the bandwidths
 * @since 0.1
 */
public record RateLimit(String name, List<Bandwidth> bandwidths) {

  /** {@code capacity} requests per {@code period}. */
  public record Bandwidth(String name, long capacity, Duration period) {
    public Bandwidth {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(period, "period");
      if (capacity < 1 || period.isNegative() || period.isZero() || period.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("a bandwidth needs capacity >= 1 and a period within (0, 1 day]");
      }
    }
  }

  public RateLimit {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
      throw new IllegalArgumentException("rate limit names are printable ASCII without quotes: " + name);
    }
    bandwidths = List.copyOf(bandwidths);
    if (bandwidths.isEmpty()) {
      throw new IllegalArgumentException("at least one bandwidth is required");
    }
  }

  /** One bandwidth: {@code capacity} requests per {@code period}. */
  public static RateLimit of(String name, long capacity, Duration period) {
    return new RateLimit(name, List.of(new Bandwidth(name, capacity, period)));
  }

  /** Adds a bandwidth (e.g. a short burst limit beside a sustained one). */
  public RateLimit and(String bandwidthName, long capacity, Duration period) {
    List<Bandwidth> all = new ArrayList<>(bandwidths);
    all.add(new Bandwidth(bandwidthName, capacity, period));
    return new RateLimit(name, all);
  }
}
