package dev.zt.core.internal.pipeline;

/**
 * A step that runs after every gate (and the form inspection) allowed a request, before the application sees it: it
 * may add response fields ({@link RequestState#addResponseHeader}, e.g. a DPoP {@code DPoP-Nonce}), set the credential
 * to forward ({@link RequestState#forward}, e.g. an internal token from a token exchange), or turn the allow into a
 * denial ({@link Step#deny}), which is audited like every other. It answers as a gate does: {@link Step#proceed()},
 * a {@link Step.Stop}, or {@link Step#later} when it waits on I/O (it must not block when the request may not). A step
 * that throws is a denial ({@code INTERNAL_ERROR}): the pipeline fails closed.
 *
 * <p>Steps run in {@link Stage} order, and in installation order within a stage ({@link Assembly#afterAllow}).
 */
public interface AfterAllow {

  /** Where a step runs after an allow. */
  enum Stage {
    /** Decisions that need the allowed caller and the resource (object-level checks, an external PDP). */
    AUTHORIZATION,
    /** What the answer must carry for the client's credential (DPoP nonces). */
    RESPONSE,
    /** The credential to send on in place of the client's (token exchange, minting). */
    FORWARD,
    /** Test-only steps of zt's own tests. */
    TESTING
  }

  /** A short, stable name for the audit log. */
  String name();

  /** Looks at the allowed request, may amend what the allow carries, and says whether it stays allowed. */
  Step evaluate(RequestState state);
}
