package dev.zt.core.internal.pipeline;

import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.detect.Verdict;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.spi.Presence;
import dev.zt.core.trust.TrustLevel;
import java.net.InetAddress;
import java.util.Optional;

/**
 * What the gates and detectors ask of the countermeasures and hand to them: whether a credential is suspended, an
 * identity throttled or monitored, a subject's trust capped; and the detectors' verdicts. The public
 * {@code Countermeasures} is the operators' side of the same state.
 */
public interface CountermeasureHooks {

  /** What a verdict is evidence about: the request's content, or the identity's own behaviour. */
  enum Basis {
    /**
     * About what a request carries (an injection in a query, a form, a header). A victim's browser can be made to
     * relay it, so it may refuse the request and suspend that one token, never more of the subject.
     */
    CONTENT,
    /** About what an identity or source did over many requests (stuffing, enumeration). */
    BEHAVIOUR
  }

  /**
   * Whether the credential is suspended (its jti, its subject, or a revocation after it was issued);
   * {@link Presence#UNAVAILABLE} when the state cannot tell, which the caller refuses.
   */
  Presence suspension(VerifiedCredential token);

  /** Whether the request's client is blocked; {@link Presence#UNAVAILABLE} when the state cannot tell (refused). */
  Presence blocked(RequestState state);

  /** Whether the identity is throttled (also when the state cannot tell). */
  boolean isThrottled(String identity);

  /** Whether the identity is under enhanced monitoring (also when the state cannot tell). */
  boolean isMonitored(String identity);

  /** A cap on the subject's trust level (CRITICAL after a critical event, or when the state cannot tell), if any. */
  Optional<TrustLevel> levelCap(String subject);

  /** A detector's verdict about an identity's behaviour. */
  void onVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
      Optional<InetAddress> source);

  /** A verdict about a request's content: acted on, but the subject's trust is not pinned. */
  void onContentVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
      Optional<InetAddress> source);

  /** A verdict on {@code basis}, acting on {@code source} (an address or its network). */
  void onVerdict(Verdict verdict, Basis basis, String identity, Optional<? extends VerifiedCredential> token,
      Optional<SourceKey> source);
}
