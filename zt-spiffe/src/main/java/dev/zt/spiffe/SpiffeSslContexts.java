package dev.zt.spiffe;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * {@link SSLContext}s for SPIFFE mutual TLS: the workload presents its current X.509-SVID
 * ({@link SpiffeKeyManager}) and verifies and authorizes the peer's ({@link SpiffeTrustManager}), both reading the
 * {@link X509Source} on every handshake. Sockets and engines made by these contexts speak TLS 1.3 and 1.2 only;
 * server-side ones require a client certificate.
 *
 * <p>Session resumption skips the trust manager (the JDK does not re-verify a resumed peer), so a resumed
 * connection keeps the identity it was first verified with; verify the peer chain per request where that matters
 * (zt's peer gate does).
 *
 * @since 0.1
 */
public final class SpiffeSslContexts {

  /** The protocols enabled on every socket and engine. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private SpiffeSslContexts() {}

  /** A server context requiring client X.509-SVIDs that {@code authorizer} allows; time from the system clock. */
  public static SSLContext server(X509Source source, PeerAuthorizer authorizer) {
    return server(source, authorizer, Clock.systemUTC());
  }

  /** A server context requiring client X.509-SVIDs that {@code authorizer} allows. */
  public static SSLContext server(X509Source source, PeerAuthorizer authorizer, Clock clock) {
    return create(source, authorizer, clock, true);
  }

  /** A client context accepting servers whose X.509-SVID {@code authorizer} allows; time from the system clock. */
  public static SSLContext client(X509Source source, PeerAuthorizer authorizer) {
    return client(source, authorizer, Clock.systemUTC());
  }

  /** A client context accepting servers whose X.509-SVID {@code authorizer} allows. */
  public static SSLContext client(X509Source source, PeerAuthorizer authorizer, Clock clock) {
    return create(source, authorizer, clock, false);
  }

  private static SSLContext create(X509Source source, PeerAuthorizer authorizer, Clock clock, boolean server) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(authorizer, "authorizer");
    Objects.requireNonNull(clock, "clock");
    try {
      SSLContext base = SSLContext.getInstance("TLS");
      base.init(
          new KeyManager[] {new SpiffeKeyManager(source)},
          new TrustManager[] {new SpiffeTrustManager(source, authorizer, X509SvidVerifier.create(clock))},
          null);
      return new ConfiguredSslContext(base, server);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS SSLContext", e);
    }
  }
}
