package dev.zt.core.internal.pipeline;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.ClientAddresses;

/**
 * A step that runs after the answer: the outcome detectors and the behaviour baseline learn from denials the
 * enforcer made and from the application's answers to allowed requests. Never changes a decision; a fault is logged.
 */
public interface AfterAnswer {

  /** The enforcer denied the request ({@code status} is the denial's). */
  void denied(RequestState state, Decision.Deny deny, int status);

  /**
   * The application answered an allowed request with {@code status}.
   *
   * @param identity the caller's identity ({@link RequestState#identityOf})
   * @param path the normalized path, or {@code (rejected)}
   */
  void answered(RequestContext request, ClientAddresses.Client client, Caller caller, String identity, String path,
      int status);
}
