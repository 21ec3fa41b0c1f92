package dev.zt.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry in force in a store: its key (an address, a subject, a token key, an identity), the rule or reason that
 * put it there, and when it ends.
 *
 * @param key what the entry is about
 * @param rule the detector rule or the operator's reason
 * @param until when it ends (the entry is absent from then on)
 * @since 0.1
 */
public record Entry(String key, String rule, Instant until) {
  public Entry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(until, "until");
  }
}
