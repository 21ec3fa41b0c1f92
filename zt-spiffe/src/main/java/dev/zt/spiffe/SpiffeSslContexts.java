package dev.zt.spiffe;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

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

  /**
   * A client context that presents the workload's current X.509-SVID to a server outside SPIFFE — an authorization
   * server's introspection or token endpoint with a Web PKI certificate (RFC 8705 §2, {@code tls_client_auth} /
   * {@code self_signed_tls_client_auth}) — and verifies that server by the JDK's default trust store (PKIX; the HTTP
   * client checks the host name). For zt's introspection client: {@code Introspection.Builder.tlsClientAuth(() ->
   * SpiffeSslContexts.clientOfWebPki(source))}.
   *
   * @since 0.2
   */
  public static SSLContext clientOfWebPki(X509Source source) {
    try {
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((java.security.KeyStore) null);
      return clientOfWebPki(source, defaults);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no default trust manager", e);
    }
  }

  /**
   * {@link #clientOfWebPki(X509Source)} with the server verified by {@code serverTrust} instead of the JDK's default
   * trust store (a private CA of the authorization server).
   *
   * @since 0.2
   */
  public static SSLContext clientOfWebPki(X509Source source, TrustManagerFactory serverTrust) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(serverTrust, "serverTrust");
    try {
      SSLContext base = SSLContext.getInstance("TLS");
      base.init(new KeyManager[] {new SpiffeKeyManager(source)}, serverTrust.getTrustManagers(), null);
      return new ConfiguredSslContext(base, false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS SSLContext", e);
    }
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
