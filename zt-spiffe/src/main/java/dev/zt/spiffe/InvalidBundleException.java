package dev.zt.spiffe;

/**
 * A trust bundle (SPIFFE bundle JSON or PEM) that cannot be used: malformed, oversized, or carrying material that
 * the SPIFFE Trust Domain and Bundle or X509-SVID specifications forbid. A fault in configuration or in the bundle
 * source: callers keep their last good bundle.
 *
 * @since 0.1
 */
public final class InvalidBundleException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  InvalidBundleException(String message) {
    super(message);
  }

  InvalidBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
