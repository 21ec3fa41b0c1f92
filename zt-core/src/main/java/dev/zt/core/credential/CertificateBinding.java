package dev.zt.core.credential;

import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate binding of RFC 8705 §3.1: a token whose {@code cnf} carries {@code x5t#S256} is honoured only when
 * the request's client certificate is that one — base64url(SHA-256(DER of the leaf)), compared in constant time, on
 * every request (a cached token may arrive over another connection).
 *
 * <p>The client certificate is the mTLS peer's leaf ({@link RequestContext#peerCertificates()}, filled by the servlet
 * container and Netty's {@code SslHandler}) or, only when the enforcer was told to
 * ({@code Enforcer.Builder.trustClientCertHeader()}) and only when the direct peer is one of its trusted proxies,
 * the RFC 9440 {@code Client-Cert} header the proxy that terminated TLS wrote: an RFC 8941 byte sequence
 * ({@code :base64:}) holding exactly one DER certificate, at most {@value #MAX_HEADER_CHARS} characters. The header
 * from any other peer is ignored (the denial's audit detail says so, and a WARN is logged once): anyone can write it.
 * A request carrying both a TLS client certificate and the header is refused as ambiguous (which certificate is the
 * client's cannot be known), as is a request with two {@code Client-Cert} fields. {@code Client-Cert-Chain} is not
 * read: the binding names the leaf only.
 *
 * <p>A {@code cnf} with both {@code x5t#S256} and {@code jkt} is refused when the token is verified (no issuer issues
 * both, and it is unclear which proof the client owes); this class sees only tokens with exactly one binding.
 */
final class CertificateBinding {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateBinding.class);

  /** RFC 9440 §2: the header field carrying the client's certificate. */
  static final String CLIENT_CERT = "Client-Cert";

  /** Enough for a certificate of ~12 KB DER (RSA 16384, long SAN lists); typical ones are 1–2 KB. */
  static final int MAX_HEADER_CHARS = 16 * 1024;

  /** How many TLS leaves' thumbprints are remembered. */
  static final int MEMO_SIZE = 4096;

  /** How many characters of {@code Client-Cert} values are remembered in all (about 1 000 typical certificates). */
  static final long HEADER_MEMO_CHARS = 2_000_000;

  /** A {@code Client-Cert} value that holds no usable certificate, as remembered. */
  private static final byte[] MALFORMED = new byte[0];

  private final Predicate<InetAddress> headerProxies; // null: the header is never read
  private final AtomicBoolean warnedUntrusted = new AtomicBoolean();
  // Thumbprints are pure functions of what they are computed from, so remembering them changes no answer; it saves the
  // per-request SHA-256 (and for the header the base64 decode and X.509 parse: ~3.5 µs, zt-benchmarks).
  // TLS leaves by identity (weak keys: the container hands the same object for a connection's requests, and an entry
  // goes with its certificate); header values by equality, bounded by their total length (a client that makes its
  // proxy send many certificates evicts older entries, never grows memory past ~4 MB).
  private final Cache<X509Certificate, byte[]> leafThumbprints = Caffeine.newBuilder().weakKeys()
      .maximumSize(MEMO_SIZE).executor(Runnable::run).build();
  private final Cache<HeaderKey, byte[]> headerThumbprints;

  private CertificateBinding(Predicate<InetAddress> headerProxies) {
    this.headerProxies = headerProxies;
    this.headerThumbprints = headerProxies == null ? null
        : Caffeine.newBuilder().maximumWeight(HEADER_MEMO_CHARS).weigher((HeaderKey k, byte[] t) -> k.value.length())
            .executor(Runnable::run).build();
  }

  /** Only the TLS peer's certificate counts. */
  static CertificateBinding tlsOnly() {
    return new CertificateBinding(null);
  }

  /** The TLS peer's certificate, or the {@code Client-Cert} header when a peer {@code trustedProxies} accepts sent it. */
  static CertificateBinding withClientCertHeader(Predicate<InetAddress> trustedProxies) {
    return new CertificateBinding(java.util.Objects.requireNonNull(trustedProxies, "trustedProxies"));
  }

  /**
   * {@code null} when the certificate the request presents is the one {@code expected} (a SHA-256 thumbprint)
   * names; else the denial, {@link DenyReason#TOKEN_BINDING_UNVERIFIED}, with the cause noted for the audit line.
   */
  Step check(RequestState exchange, byte[] expected) {
    RequestContext request = exchange.request();
    List<X509Certificate> chain = request.peerCertificates();
    List<String> header = request.headers().values(CLIENT_CERT);
    byte[] actual;
    if (!header.isEmpty() && headerProxies != null && trustedPeer(request)) {
      if (!chain.isEmpty()) {
        return deny(exchange, "certificate-bound token with both a TLS client certificate and a Client-Cert header:"
            + " ambiguous, refused");
      }
      if (header.size() > 1) {
        return deny(exchange, "certificate-bound token with several Client-Cert fields: refused");
      }
      actual = headerThumbprints.get(new HeaderKey(header.get(0)), k -> {
        byte[] der = headerCertificate(k.value);
        return der == null ? MALFORMED : sha256(der);
      });
      if (actual == MALFORMED) {
        return deny(exchange, "certificate-bound token with a malformed Client-Cert header (RFC 9440: one DER "
            + "certificate as an RFC 8941 byte sequence)");
      }
    } else {
      String ignored = "";
      if (!header.isEmpty()) {
        ignored = headerProxies == null ? "; Client-Cert header ignored (not configured)"
            : "; Client-Cert header from an untrusted peer ignored";
        if (headerProxies != null && warnedUntrusted.compareAndSet(false, true)) {
          LOG.warn("zt: {} sent a Client-Cert header but is not a trusted proxy (Enforcer.Builder.trustForwardedFor):"
              + " the header is ignored (logged once)", request.clientAddress().map(InetAddress::getHostAddress)
              .orElse("an unknown peer"));
        }
      }
      if (chain.isEmpty()) {
        return deny(exchange, "certificate-bound token (cnf x5t#S256) without a client certificate" + ignored);
      }
      X509Certificate leaf = chain.get(0);
      actual = leafThumbprints.getIfPresent(leaf);
      if (actual == null) {
        try {
          actual = sha256(leaf.getEncoded());
        } catch (GeneralSecurityException e) {
          return deny(exchange, "client certificate unreadable: " + e.getClass().getSimpleName());
        }
        leafThumbprints.put(leaf, actual);
      }
    }
    if (!MessageDigest.isEqual(expected, actual)) {
      return deny(exchange, "certificate-bound token (cnf x5t#S256) presented with another client certificate");
    }
    return null;
  }

  private boolean trustedPeer(RequestContext request) {
    Optional<InetAddress> peer = request.clientAddress();
    return peer.isPresent() && headerProxies.test(peer.get());
  }

  private static Step deny(RequestState exchange, String detail) {
    exchange.note(detail);
    return Step.deny(DenyReason.TOKEN_BINDING_UNVERIFIED);
  }

  /**
   * The DER bytes of the one certificate an RFC 9440 {@code Client-Cert} value carries, or {@code null}: the value
   * must be an RFC 8941 §3.3.5 byte sequence ({@code :} base64 {@code :}, no parameters), whose bytes are exactly one
   * X.509 certificate (nothing after it).
   */
  static byte[] headerCertificate(String value) {
    if (value.length() > MAX_HEADER_CHARS) {
      return null;
    }
    String v = value.strip();
    if (v.length() < 3 || v.charAt(0) != ':' || v.charAt(v.length() - 1) != ':') {
      return null;
    }
    String b64 = v.substring(1, v.length() - 1);
    for (int i = 0; i < b64.length(); i++) {
      char c = b64.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
          || c == '=';
      if (!ok) {
        return null;
      }
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (der.length == 0) {
      return null;
    }
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      // exactly one certificate in its DER encoding: no trailing bytes, no PEM, no PKCS#7 bundle
      return Arrays.equals(cert.getEncoded(), der) ? der : null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** A {@code Client-Cert} value as a memo key (its end is the certificate's signature: see {@link TailHashedKey}). */
  private static final class HeaderKey extends TailHashedKey {
    HeaderKey(String value) {
      super(value);
    }
  }

  static byte[] sha256(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
