package dev.zt.testkit.spiffe;

import dev.zt.spiffe.X509Svid;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A certificate chain (leaf first) and the leaf's private key issued by a {@link TestTrustDomain} — a good
 * X.509-SVID or a deliberately broken one. {@link #toX509Svid()} turns a good one into zt's type.
 *
 * @since 0.1
 */
public final class TestSvid {

  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  TestSvid(List<X509Certificate> chain, PrivateKey privateKey) {
    this.chain = List.copyOf(chain);
    this.privateKey = privateKey;
  }

  /** The chain, leaf first (intermediates follow; the root is not included). */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The chain as an array, for JSSE. */
  public X509Certificate[] chainArray() {
    return chain.toArray(new X509Certificate[0]);
  }

  /** The leaf. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The leaf's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** As zt's {@link X509Svid}; fails for leaves that are not usable as an own SVID. */
  public X509Svid toX509Svid() {
    return X509Svid.of(chain, privateKey);
  }

  /** The chain as PEM ({@code CERTIFICATE} blocks, leaf first). */
  public String chainPem() {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : chain) {
      b.append(TestTrustDomain.pem(c));
    }
    return b.toString();
  }

  /** The private key as PKCS#8 PEM. */
  public String keyPem() {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(privateKey.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TestSvid[" + leaf().getSubjectX500Principal() + "]";
  }
}
