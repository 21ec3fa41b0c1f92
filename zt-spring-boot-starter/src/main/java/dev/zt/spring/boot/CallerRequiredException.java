package dev.zt.spring.boot;

/**
 * A handler declares a plain {@code Caller} parameter, but zt allowed the request anonymously (the route permits
 * anonymous callers). Answered 401 {@code CREDENTIAL_MISSING} by {@link CallerRequiredResolver}, audited with the
 * handler's name.
 */
final class CallerRequiredException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String handler;

  CallerRequiredException(String handler) {
    super("zt: " + handler + " requires an authenticated Caller, but the route admits anonymous callers: declare"
        + " Optional<Caller>, or require a credential for the route in the policy", null, false, false);
    this.handler = handler;
  }

  String handler() {
    return handler;
  }
}
