package dev.zt.core.internal.pipeline;

import dev.zt.core.DenyReason;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A gate's answer: go on to the next gate, stop with a denial, or decide later.
 *
 * @since 0.1
 */
public sealed interface Step permits Step.Proceed, Step.Stop, Step.Later {

  /** Go on to the next gate. */
  static Step proceed() {
    return Proceed.INSTANCE;
  }

  /** Stop: the request is denied for {@code reason}. */
  static Step deny(DenyReason reason) {
    return new Stop(reason, List.of());
  }

  /** Stop with the scopes the route needs (for the {@code scope} challenge parameter). */
  static Step deny(DenyReason reason, List<String> requiredScopes) {
    return new Stop(reason, requiredScopes);
  }

  /** Stop with further challenge parameters and response fields (step-up, rate limits). */
  static Step deny(DenyReason reason, java.util.Map<String, String> challengeParams,
      java.util.Map<String, String> headers) {
    return new Stop(reason, List.of(), challengeParams, headers);
  }

  /**
   * Stop with the challenges of the answer, in order (e.g. {@code DPoP} with its {@code algs}, then {@code Bearer},
   * RFC 9449 §7.1): the gate knows which schemes the client may answer with; the wire layer only writes them.
   */
  static Step denyWithChallenges(DenyReason reason, List<dev.zt.core.Decision.Challenge> challenges) {
    return new Stop(reason, List.of(), java.util.Map.of(), java.util.Map.of(), challenges);
  }

  /** The gate waits on I/O; the pipeline resumes when {@code stage} completes. */
  static Step later(CompletionStage<Step> stage) {
    return new Later(stage);
  }

  /** See {@link #proceed()}. */
  enum Proceed implements Step {
    INSTANCE
  }

  /** See {@link #deny(DenyReason)}. */
  record Stop(DenyReason reason, List<String> requiredScopes, java.util.Map<String, String> challengeParams,
      java.util.Map<String, String> headers, List<dev.zt.core.Decision.Challenge> challenges) implements Step {
    public Stop {
      requiredScopes = List.copyOf(requiredScopes);
      challengeParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(challengeParams));
      headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
      challenges = List.copyOf(challenges);
    }

    public Stop(DenyReason reason, List<String> requiredScopes, java.util.Map<String, String> challengeParams,
        java.util.Map<String, String> headers) {
      this(reason, requiredScopes, challengeParams, headers, List.of());
    }

    public Stop(DenyReason reason, List<String> requiredScopes) {
      this(reason, requiredScopes, java.util.Map.of(), java.util.Map.of());
    }
  }

  /** See {@link #later(CompletionStage)}. */
  record Later(CompletionStage<Step> stage) implements Step {}
}
