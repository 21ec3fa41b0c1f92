package dev.zt.samples.orders.model;

import static dev.zt.samples.orders.model.Variables.printable;
import static dev.zt.samples.orders.model.Variables.value;

import dev.zt.core.credential.BearerJwt;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The token rules both orders samples take from their standalone variables, beyond issuer, audience and keys:
 * {@code ZT_MAX_TOKEN_LIFETIME} (ISO-8601 {@code PT2H} or seconds {@code 7200}, more than zero; unset: zt's default,
 * 1 h), {@code ZT_ACCESS_TOKEN_TYPE} ({@code at+jwt}: RFC 9068 §2.1 explicit typing required), {@code ZT_ALGORITHMS}
 * (comma-separated JOSE names, RFC 7518 §3.1, a subset of zt's defaults) and {@code ZT_ROLES_CLAIM} (a claim name or a
 * dotted path; unset: {@code roles}). Unset leaves zt's strict default; a value not understood is an error naming its
 * variable (see {@link Variables}), never a weaker check.
 *
 * @param maxTokenLifetime {@code ZT_MAX_TOKEN_LIFETIME}
 * @param requireAccessTokenType {@code ZT_ACCESS_TOKEN_TYPE=at+jwt}
 * @param algorithms {@code ZT_ALGORITHMS}, empty for zt's defaults
 * @param rolesClaim {@code ZT_ROLES_CLAIM}
 */
public record TokenRules(Optional<Duration> maxTokenLifetime, boolean requireAccessTokenType, List<String> algorithms,
    Optional<String> rolesClaim) {

  /** Copies the algorithms. */
  public TokenRules {
    algorithms = List.copyOf(algorithms);
  }

  /** Reads the four variables from {@code env}, in this order: lifetime, type, algorithms, roles claim. */
  public static TokenRules read(Map<String, String> env) {
    String lifetime = value(env, "ZT_MAX_TOKEN_LIFETIME");
    Optional<Duration> maxLifetime = lifetime == null ? Optional.empty() : Optional.of(maxTokenLifetime(lifetime));
    String type = value(env, "ZT_ACCESS_TOKEN_TYPE");
    if (type != null && !type.equalsIgnoreCase("at+jwt")) {
      throw new IllegalArgumentException("ZT_ACCESS_TOKEN_TYPE must be at+jwt (RFC 9068 explicit typing) or unset,"
          + " not '" + printable(type) + "'");
    }
    String algorithms = value(env, "ZT_ALGORITHMS");
    List<String> algs = algorithms == null ? List.of() : algorithms(algorithms);
    String roles = value(env, "ZT_ROLES_CLAIM");
    if (roles != null && !roles.matches("[A-Za-z0-9_:$-]+(\\.[A-Za-z0-9_:$-]+)*")) {
      throw new IllegalArgumentException("ZT_ROLES_CLAIM must be a claim name or a dotted path such as"
          + " realm_access.roles, not '" + printable(roles) + "'");
    }
    return new TokenRules(maxLifetime, type != null, algs, Optional.ofNullable(roles));
  }

  /** Sets these rules on {@code b} (what is unset stays zt's default) and returns it. */
  public BearerJwt.Builder applyTo(BearerJwt.Builder b) {
    maxTokenLifetime.ifPresent(b::maxTokenLifetime);
    if (requireAccessTokenType) {
      b.requireAccessTokenType();
    }
    if (!algorithms.isEmpty()) {
      b.algorithms(algorithms.toArray(String[]::new));
    }
    rolesClaim.ifPresent(b::rolesClaim);
    return b;
  }

  /** {@code ZT_MAX_TOKEN_LIFETIME}: an ISO-8601 duration ({@code PT2H}) or whole seconds ({@code 7200}), positive. */
  public static Duration maxTokenLifetime(String value) {
    Duration d;
    try {
      d = value.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(value)
          : Duration.ofSeconds(Long.parseLong(value));
    } catch (DateTimeParseException | NumberFormatException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("ZT_MAX_TOKEN_LIFETIME must be an ISO-8601 duration (PT2H) or seconds"
          + " (7200), more than zero, not '" + printable(value) + "'");
    }
    return d;
  }

  /** {@code ZT_ALGORITHMS}: comma-separated JOSE names, each one of zt's defaults, no repeats, at least one. */
  public static List<String> algorithms(String value) {
    Set<String> seen = new LinkedHashSet<>();
    for (String raw : value.split(",", -1)) {
      String name = raw.strip();
      if (!BearerJwt.DEFAULT_ALGORITHMS.contains(name)) {
        throw new IllegalArgumentException("ZT_ALGORITHMS: '" + printable(name) + "' is not one of "
            + new TreeSet<>(BearerJwt.DEFAULT_ALGORITHMS) + " (comma-separated, names as in RFC 7518)");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("ZT_ALGORITHMS names " + name + " twice");
      }
    }
    return List.copyOf(seen);
  }
}
