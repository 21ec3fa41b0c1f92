package dev.zt.spiffe;

import java.util.List;
import java.util.Objects;

/**
 * A SPIFFE trust domain: the authority part of a SPIFFE ID, naming the issuing authority whose bundle validates the
 * IDs under it (SPIFFE-ID §2.1, SPIFFE Trust Domain and Bundle §2). Always canonical: lower case, characters
 * {@code [a-z0-9._-]}, 1 to 255 bytes. Names are compared exactly; {@code example.org.} is another trust domain than
 * {@code example.org}.
 *
 * @since 0.1
 */
public final class TrustDomain implements Comparable<TrustDomain> {

  private final String name;

  private TrustDomain(String name) {
    this.name = name;
  }

  /**
   * Parses a trust domain name ({@code example.org}) or, when the input contains {@code :/}, the trust domain of a
   * SPIFFE ID, which is then validated in full.
   *
   * @throws InvalidSpiffeIdException naming the rule broken
   */
  public static TrustDomain parse(String input) {
    Objects.requireNonNull(input, "input");
    if (input.contains(":/")) {
      return SpiffeId.parse(input).trustDomain();
    }
    IdSyntax.checkTrustDomain(input, 0, input.length(), input);
    return new TrustDomain(input);
  }

  /**
   * Parses configuration input: trims surrounding ASCII whitespace and lower-cases the name (trust domains are
   * case-insensitive, SPIFFE-ID §2.4), reporting what it changed. Everything else is as strict as {@link #parse}.
   *
   * @throws InvalidSpiffeIdException naming the rule broken
   */
  public static Lenient<TrustDomain> parseLenient(String input) {
    Objects.requireNonNull(input, "input");
    if (IdSyntax.trimAscii(input).contains(":/")) {
      Lenient<SpiffeId> id = SpiffeId.parseLenient(input);
      return new Lenient<>(id.value().trustDomain(), id.normalizations());
    }
    List<Normalization> done = IdSyntax.newList();
    String t = IdSyntax.trimAscii(input);
    if (!t.equals(input)) {
      done.add(Normalization.TRIMMED_WHITESPACE);
    }
    String lowered = IdSyntax.lowerAscii(t);
    if (!lowered.equals(t)) {
      done.add(Normalization.LOWERCASED_TRUST_DOMAIN);
    }
    return new Lenient<>(parse(lowered), done);
  }

  /** Creates from a name already checked by the ID parser. */
  static TrustDomain trusted(String name) {
    return new TrustDomain(name);
  }

  /** The name, e.g. {@code example.org}. */
  public String name() {
    return name;
  }

  /** The trust domain's own SPIFFE ID, {@code spiffe://<name>} (no path). */
  public SpiffeId id() {
    return SpiffeId.parse(IdSyntax.SCHEME + name);
  }

  /**
   * The SPIFFE ID of {@code path} in this trust domain; {@code path} starts with {@code /} and follows §2.2.
   *
   * @throws InvalidSpiffeIdException naming the rule broken
   */
  public SpiffeId workload(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a SPIFFE ID path starts with '/'");
    }
    return SpiffeId.parse(IdSyntax.SCHEME + name + path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustDomain other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public int compareTo(TrustDomain o) {
    return name.compareTo(o.name);
  }

  /** The name. */
  @Override
  public String toString() {
    return name;
  }
}
