package dev.zt.spiffe.workload;

/**
 * A fault talking to the Workload API: the endpoint did not answer in time, refused the call, or sent something that
 * is not a usable SVID or bundle. Messages name the endpoint and the gRPC status, never key or token material.
 *
 * @since 0.1
 */
public final class WorkloadApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A fault described by {@code message}. */
  public WorkloadApiException(String message) {
    super(message);
  }

  /** A fault described by {@code message}, caused by {@code cause}. */
  public WorkloadApiException(String message, Throwable cause) {
    super(message, cause);
  }
}
