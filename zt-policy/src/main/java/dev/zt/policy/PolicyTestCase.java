package dev.zt.policy;

import dev.zt.core.DenyReason;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One embedded self-test of a policy file ({@code tests:}): a request, the token claims of its caller (none:
 * anonymous) and the decision expected.
 *
 * @param name what the test says
 * @param method the request's method
 * @param target the request target, path and optional query ({@code /orders/42?x=1})
 * @param headers request header fields
 * @param clientAddress the connection's address (an IP literal); loopback when absent
 * @param claims the caller's token claims; empty for a request without a credential
 * @param expected the decision expected
 * @param pointer where the test is in the file ({@code /tests/3})
 * @param line its 1-based line, 0 when unknown
 * @param object an object check the application makes once the request is allowed; its decision is the one expected
 * @since 0.3
 */
public record PolicyTestCase(String name, String method, String target, Map<String, List<String>> headers,
    Optional<String> clientAddress, Optional<Map<String, Object>> claims, Expected expected, String pointer,
    int line, Optional<ObjectCheck> object) {

  /** A test of a request alone, without an object check. */
  public PolicyTestCase(String name, String method, String target, Map<String, List<String>> headers,
      Optional<String> clientAddress, Optional<Map<String, Object>> claims, Expected expected, String pointer,
      int line) {
    this(name, method, target, headers, clientAddress, claims, expected, pointer, line, Optional.empty());
  }

  public PolicyTestCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(object, "object");
  }

  /**
   * The object check of a test ({@code object:}): {@code authorization.check(action, resource)} after the request
   * is allowed.
   *
   * @param action the action ({@code read})
   * @param resource the resource (type, id, attributes such as {@code owner})
   * @since 0.3
   */
  public record ObjectCheck(String action, dev.zt.core.authz.Resource resource) {

    public ObjectCheck {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(resource, "resource");
    }
  }

  /** {@code GET /orders/42}. */
  public String request() {
    return method + " " + target;
  }

  /**
   * The decision a test expects: allowed or not, the status (200 for an allowed request), the deciding rule's id and
   * the deny reason; each optional, at least one given.
   *
   * @since 0.3
   */
  public record Expected(Optional<Boolean> allow, OptionalInt status, Optional<String> rule,
      Optional<DenyReason> reason) {

    public Expected {
      Objects.requireNonNull(allow, "allow");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      allow.ifPresent(a -> s.append(a ? "allow" : "deny"));
      status.ifPresent(v -> s.append(s.isEmpty() ? "" : " ").append(v));
      reason.ifPresent(r -> s.append(s.isEmpty() ? "" : " ").append(r));
      rule.ifPresent(r -> s.append(s.isEmpty() ? "" : " ").append("by '").append(r).append("'"));
      return s.toString();
    }
  }
}
