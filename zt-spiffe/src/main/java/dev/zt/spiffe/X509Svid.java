package dev.zt.spiffe;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * This workload's own X.509-SVID: its certificate chain (leaf first) and private key, as served in TLS handshakes.
 * Creation checks that the leaf carries exactly one URI SAN that is a SPIFFE ID with a path and that the key belongs
 * to the leaf. Holds a secret: no value equality, and {@link #toString()} shows only the ID.
 *
 * @since 0.1
 */
public final class X509Svid {

  private final SpiffeId spiffeId;
  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  private X509Svid(SpiffeId spiffeId, List<X509Certificate> chain, PrivateKey privateKey) {
    this.spiffeId = spiffeId;
    this.chain = chain;
    this.privateKey = privateKey;
  }

  /**
   * An SVID from a chain (leaf first) and the leaf's private key.
   *
   * @throws IllegalArgumentException when the chain is empty, the leaf has no single SPIFFE ID with a path, or the
   *     key does not belong to the leaf
   */
  public static X509Svid of(List<X509Certificate> chain, PrivateKey privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    List<X509Certificate> copy = List.copyOf(chain);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("an X.509-SVID needs at least the leaf certificate");
    }
    X509Certificate leaf = copy.get(0);
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.get(0) instanceof Integer t && t == 6) {
            uris.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable subjectAltName", e);
    }
    if (uris.size() != 1) {
      throw new IllegalArgumentException("the leaf must have exactly one URI SAN, found " + uris.size());
    }
    SpiffeId id = SpiffeId.parse(uris.get(0));
    if (id.isRoot()) {
      throw new IllegalArgumentException("the leaf's SPIFFE ID has no path: " + id);
    }
    if (!keyMatches(leaf.getPublicKey(), privateKey)) {
      throw new IllegalArgumentException("the private key does not belong to the leaf certificate");
    }
    return new X509Svid(id, copy, privateKey);
  }

  /**
   * An SVID from PEM text: {@code chainPem} holds the leaf then intermediates ({@code CERTIFICATE} blocks),
   * {@code keyPem} one PKCS#8 {@code PRIVATE KEY} (RSA, EC or Ed25519).
   *
   * @throws IllegalArgumentException as {@link #of}, or for malformed PEM
   */
  public static X509Svid fromPem(String chainPem, String keyPem) {
    return of(Pem.certificates(chainPem), Pem.privateKey(keyPem));
  }

  private static boolean keyMatches(PublicKey pub, PrivateKey priv) {
    String alg = switch (pub.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "RSASSA-PSS" -> null;
      default -> null;
    };
    if (alg == null) {
      return pub.getAlgorithm().equals(priv.getAlgorithm());
    }
    if (pub instanceof ECKey && !(priv instanceof ECKey)) {
      return false;
    }
    try {
      byte[] probe = "zt-spiffe key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(priv);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The SVID's SPIFFE ID. */
  public SpiffeId spiffeId() {
    return spiffeId;
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The leaf's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The ID and the leaf's expiry; never the key. */
  @Override
  public String toString() {
    return "X509Svid[" + spiffeId + ", notAfter=" + leaf().getNotAfter().toInstant() + "]";
  }
}
