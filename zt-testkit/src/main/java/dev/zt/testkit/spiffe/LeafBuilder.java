package dev.zt.testkit.spiffe;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Issues one leaf certificate from a {@link TestTrustDomain}: a good X.509-SVID unless told to break a rule. Each
 * method breaks (or sets) one thing, so a test names exactly the rule it exercises.
 *
 * @since 0.1
 */
public final class LeafBuilder {

  private final TestTrustDomain domain;
  private final TestTrustDomain.CertSpec spec;
  private TestTrustDomain signer;
  private boolean includeIntermediates = true;

  LeafBuilder(TestTrustDomain domain, String uri, Instant notBefore, Instant notAfter) {
    this.domain = domain;
    this.signer = domain;
    KeyPair key = TestTrustDomain.ecKeyPair();
    this.keyPair = key;
    this.spec = new TestTrustDomain.CertSpec(uri, key.getPublic())
        .keyUsage(KeyUsage.digitalSignature)
        .validity(notBefore, notAfter)
        .subject("O=zt test,CN=workload");
    this.spec.eku = List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
  }

  private final KeyPair keyPair;

  /** Sets {@code cA=true} on the leaf. */
  public LeafBuilder ca() {
    spec.ca = true;
    return this;
  }

  /** Leaves out the basic constraints extension (allowed: {@code cA} defaults to false). */
  public LeafBuilder withoutBasicConstraints() {
    spec.basicConstraints = false;
    return this;
  }

  /** Adds a second URI SAN. */
  public LeafBuilder extraUriSan(String uri) {
    spec.uris.add(uri);
    return this;
  }

  /** Replaces the URI SAN with {@code uri} (any string, e.g. {@code https://…} or {@code spiffe://td}). */
  public LeafBuilder uri(String uri) {
    spec.uris.clear();
    spec.uris.add(uri);
    return this;
  }

  /** Leaves out the URI SAN. */
  public LeafBuilder noUriSan() {
    spec.uris.clear();
    return this;
  }

  /** Sets exactly these key usage bits (BouncyCastle {@code KeyUsage} constants). */
  public LeafBuilder keyUsage(int bits) {
    spec.keyUsage = bits;
    return this;
  }

  /** Key usage without {@code digitalSignature} ({@code keyEncipherment} only). */
  public LeafBuilder withoutDigitalSignature() {
    spec.keyUsage = KeyUsage.keyEncipherment;
    return this;
  }

  /** Adds {@code keyCertSign} to the key usage. */
  public LeafBuilder withKeyCertSign() {
    spec.keyUsage = spec.keyUsage | KeyUsage.keyCertSign;
    return this;
  }

  /** Adds {@code cRLSign} to the key usage. */
  public LeafBuilder withCrlSign() {
    spec.keyUsage = spec.keyUsage | KeyUsage.cRLSign;
    return this;
  }

  /** Leaves out the key usage extension. */
  public LeafBuilder withoutKeyUsage() {
    spec.keyUsage = null;
    return this;
  }

  /** Marks the key usage extension non-critical. */
  public LeafBuilder keyUsageNotCritical() {
    spec.keyUsageCritical = false;
    return this;
  }

  /** Sets the extended key usage (empty: leave the extension out). */
  public LeafBuilder extendedKeyUsage(KeyPurposeId... purposes) {
    spec.eku = purposes.length == 0 ? null : List.of(purposes);
    return this;
  }

  /** An empty Subject (the SAN extension is then critical, RFC 5280 §4.1.2.6). */
  public LeafBuilder emptySubject() {
    spec.subject = "";
    return this;
  }

  /** Sets the validity window. */
  public LeafBuilder validity(Instant notBefore, Instant notAfter) {
    spec.validity(notBefore, notAfter);
    return this;
  }

  /** Signs with another domain's issuing CA (the URI SAN stays this domain's). */
  public LeafBuilder signedBy(TestTrustDomain other) {
    this.signer = other;
    return this;
  }

  /** Leaves the intermediates out of the presented chain. */
  public LeafBuilder withoutIntermediates() {
    this.includeIntermediates = false;
    return this;
  }

  /** Issues the certificate. */
  public TestSvid issue() {
    X509Certificate leaf = spec.sign(signer, signer.issuerKey().getPrivate());
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    if (includeIntermediates) {
      chain.addAll(signer.intermediates());
    }
    return new TestSvid(chain, keyPair.getPrivate());
  }

  TestTrustDomain domain() {
    return domain;
  }
}
