package dev.zt.spiffe;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a TLS peer's certificate chain as an X.509-SVID ({@link X509SvidVerifier}) against the bundles of the
 * {@link X509Source}'s current snapshot, then asks the {@link PeerAuthorizer} whether that SPIFFE ID may connect.
 * Used for both directions: servers verifying clients and clients verifying servers. Host names play no part — the
 * peer's identity is its SPIFFE ID. A rejected peer fails the handshake with a {@link CertificateException} whose
 * message names the X509-SVID rule.
 *
 * @since 0.1
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

  private final X509Source source;
  private final PeerAuthorizer authorizer;
  private final X509SvidVerifier verifier;

  /** Verifies peers against {@code source}'s bundles with {@code verifier}, then asks {@code authorizer}. */
  public SpiffeTrustManager(X509Source source, PeerAuthorizer authorizer, X509SvidVerifier verifier) {
    this.source = Objects.requireNonNull(source, "source");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * Verifies and authorizes a peer chain; the handshake methods all come here.
   *
   * @return the verified peer
   * @throws CertificateException when the chain is not a valid X.509-SVID of a trusted domain, or the peer is not
   *     allowed
   */
  public VerifiedX509Svid check(X509Certificate[] chain) throws CertificateException {
    if (chain == null) {
      throw new CertificateException("X.509-SVID rejected: no certificate");
    }
    X509SvidResult result = verifier.verify(Arrays.asList(chain), source.current().bundles());
    if (result instanceof X509SvidResult.Rejected r) {
      throw new CertificateException("X.509-SVID rejected (" + r.rule() + ", " + r.rule().specSection() + "): "
          + r.detail());
    }
    VerifiedX509Svid svid = ((X509SvidResult.Verified) result).svid();
    boolean allowed;
    try {
      allowed = authorizer.isAllowed(svid.spiffeId());
    } catch (RuntimeException e) {
      allowed = false; // an authorizer fault denies
    }
    if (!allowed) {
      throw new CertificateException("peer " + svid.spiffeId() + " is not authorized");
    }
    return svid;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  /** None advertised: bundles rotate, and federated peers chain to other domains' CAs. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
