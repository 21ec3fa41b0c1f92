package dev.zt.core.credential;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The peer gate, first in the chain when a {@link PeerVerifier} is configured: re-verifies the mTLS peer's chain on
 * every request (session resumption skips the handshake's checks) and records the workload on the caller. No chain →
 * go on without a workload (the route's requirement decides); a chain that fails → {@link DenyReason#PEER_REJECTED}.
 */
final class PeerGate implements Gate {

  static final String NAME = "peer";

  private final PeerVerifier verifier;

  PeerGate(PeerVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    List<X509Certificate> chain = exchange.request().peerCertificates();
    if (chain.isEmpty()) {
      return Step.proceed();
    }
    PeerVerifier.Result result = verifier.verify(chain);
    if (result instanceof PeerVerifier.Verified v) {
      exchange.authenticate(CoreAccess.callers().workload(v.workloadId()));
      return Step.proceed();
    }
    if (result instanceof PeerVerifier.Rejected r) {
      exchange.note("peer chain rejected: " + r.reason());
      return Step.deny(DenyReason.PEER_REJECTED);
    }
    throw new IllegalStateException("peer verifier returned null");
  }
}
