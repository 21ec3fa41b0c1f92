package dev.zt.redis;

import dev.zt.core.spi.StateUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * TLS to Redis ({@code rediss://}): the server's certificate chain is checked against the JVM's trust store, or only
 * against the PEM certificates a deployment names (a private CA), and the host name in the URI against the
 * certificate's names (RFC 9525; IP addresses against its IP entries). Only {@code unsafeSkipHostnameVerification()}
 * drops the name check; a URI that asks for less ({@code verifyPeer=NONE|CA}) is refused.
 */
final class RedisTls {

  private RedisTls() {}

  /** Applies the TLS settings to {@code uri} and {@code options}; throws on settings that do not fit together. */
  static void configure(RedisURI uri, Optional<Path> trusted, boolean skipHostname, ClientOptions.Builder options) {
    if (!uri.isSsl()) {
      if (trusted.isPresent() || skipHostname) {
        throw new IllegalArgumentException("trustedCertificates and unsafeSkipHostnameVerification apply to TLS: use a"
            + " rediss:// URI");
      }
      return;
    }
    if (uri.getVerifyMode() != SslVerifyMode.FULL) {
      throw new IllegalArgumentException("the Redis URI weakens TLS verification (verifyPeer="
          + uri.getVerifyMode() + "): the certificate and host name are always verified; to skip the host name "
          + "only, call unsafeSkipHostnameVerification()");
    }
    uri.setVerifyPeer(skipHostname ? SslVerifyMode.CA : SslVerifyMode.FULL);
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().protocols("TLSv1.3", "TLSv1.2");
    trusted.ifPresent(pem -> ssl.trustManager(requireCertificates(pem).toFile()));
    options.sslOptions(ssl.build());
  }

  /** Fails fast (at build) on a file that holds no PEM certificate. */
  static Path requireCertificates(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pem);
      }
      return pem;
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("cannot read the trusted certificates in " + pem + ": " + e.getMessage(), e);
    }
  }

  /** A connection failure said plainly when TLS refused the server (an untrusted certificate, another name). */
  static RuntimeException explain(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException ssl) {
        return new StateUnavailableException("TLS to Redis refused the server: " + ssl.getMessage()
            + " (is its certificate issued by a trusted CA, see trustedCertificates, and for the host name in the URI?)",
            e);
      }
    }
    return e;
  }
}
