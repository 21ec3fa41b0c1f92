package dev.zt.spiffe;

import java.util.Objects;

/**
 * A SPIFFE ID or trust domain name that does not follow SPIFFE-ID §2; {@link #rule()} names the rule it broke.
 *
 * @since 0.1
 */
public final class InvalidSpiffeIdException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final SpiffeIdRule rule;

  InvalidSpiffeIdException(SpiffeIdRule rule, String detail, String input) {
    super("invalid SPIFFE ID (" + rule.code() + ", " + rule.specSection() + "): " + detail + " in '"
        + printable(input) + "'");
    this.rule = Objects.requireNonNull(rule);
  }

  /** The rule the input broke. */
  public SpiffeIdRule rule() {
    return rule;
  }

  /** The input cut to 80 characters with everything outside printable ASCII shown as {@code \\uXXXX}. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int end = Math.min(s.length(), 80);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        b.append(c);
      } else {
        b.append(String.format("\\u%04X", (int) c));
      }
    }
    if (s.length() > end) {
      b.append("…(").append(s.length()).append(" chars)");
    }
    return b.toString();
  }
}
