package dev.zt.core.authz;

import dev.zt.core.Decision;
import java.util.Objects;

/**
 * Thrown by {@link Authorization#require} when an object-level check denies: the adapters (the servlet filter, the
 * Netty handler's {@code writeDenial}) answer it with zt's own wire format ({@code Enforcer.respond(deny())}: 403
 * problem+json for a forbidden object, 503 with {@code Retry-After} for an unavailable PDP). Already audited when
 * thrown. Carries no stack trace: it is an answer, not a fault.
 *
 * @since 0.3
 */
public final class ObjectAccessDenied extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Decision.Deny deny;

  public ObjectAccessDenied(Decision.Deny deny) {
    super("object access denied: " + Objects.requireNonNull(deny, "deny").reason() + " by rule '" + deny.rule()
        + "'", null, false, false);
    this.deny = deny;
  }

  /** The denial to answer with. */
  public Decision.Deny deny() {
    return deny;
  }
}
