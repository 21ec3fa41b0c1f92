package dev.zt.testkit.spiffe;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustDomain;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A SPIFFE test authority for one trust domain: a root CA (and optionally an intermediate) that issues X.509-SVIDs —
 * good ones with {@link #issueX509Svid(String)}, deliberately broken ones with {@link #leaf(String)} — a JWT
 * authority that signs JWT-SVIDs ({@link #jwtSvid(String)}), the trust domain's bundle in SPIFFE JSON and PEM
 * ({@link #bundle()}), and JDK {@code SSLContext}s for test clients ({@link #sslContextFor}). Keys are EC P-256, so
 * creating a domain takes milliseconds. Certificates are valid from one hour before the clock's time to one day
 * after, unless a leaf says otherwise.
 *
 * @since 0.1
 */
public final class TestTrustDomain {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TrustDomain trustDomain;
  private final Clock clock;
  private final KeyPair rootKey;
  private final X509Certificate root;
  private final KeyPair issuerKey;
  private final X509Certificate intermediate; // null when leaves are issued by the root
  private final ECKey jwtKey;

  private TestTrustDomain(TrustDomain trustDomain, Clock clock, KeyPair rootKey, X509Certificate root,
      KeyPair issuerKey, X509Certificate intermediate, ECKey jwtKey) {
    this.trustDomain = trustDomain;
    this.clock = clock;
    this.rootKey = rootKey;
    this.root = root;
    this.issuerKey = issuerKey;
    this.intermediate = intermediate;
    this.jwtKey = jwtKey;
  }

  /** A trust domain {@code name} whose certificates are valid around the system clock's time. */
  public static TestTrustDomain create(String name) {
    return create(name, Clock.systemUTC());
  }

  /** A trust domain {@code name} whose certificates are valid around {@code clock}'s time at creation. */
  public static TestTrustDomain create(String name, Clock clock) {
    TrustDomain td = TrustDomain.parse(name);
    KeyPair rootKey = ecKeyPair();
    Instant now = clock.instant();
    X509Certificate root = new CertSpec(td.id().toString(), rootKey.getPublic())
        .ca(true).keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
        .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
        .subject("CN=" + name + " root,O=zt test")
        .sign(null, rootKey.getPrivate());
    try {
      ECKey jwt = new ECKeyGenerator(Curve.P_256).keyID("jwt-" + UUID.randomUUID().toString().substring(0, 8))
          .generate();
      return new TestTrustDomain(td, clock, rootKey, root, rootKey, null, jwt);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same domain (same root, same JWT key) issuing leaves from a new intermediate CA. */
  public TestTrustDomain withIntermediate() {
    return intermediate(KeyUsage.keyCertSign | KeyUsage.cRLSign);
  }

  /** The same domain issuing from an intermediate that is {@code cA=true} but lacks {@code keyCertSign}. */
  public TestTrustDomain withIntermediateLackingKeyCertSign() {
    return intermediate(KeyUsage.cRLSign);
  }

  private TestTrustDomain intermediate(int keyUsage) {
    KeyPair key = ecKeyPair();
    Instant now = clock.instant();
    X509Certificate cert = new CertSpec(trustDomain.id().toString(), key.getPublic())
        .ca(true).keyUsage(keyUsage)
        .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
        .subject("CN=" + trustDomain + " intermediate " + RANDOM.nextInt(1_000_000) + ",O=zt test")
        .sign(this, rootKey.getPrivate());
    return new TestTrustDomain(trustDomain, clock, rootKey, root, key, cert, jwtKey);
  }

  /** The trust domain. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The root CA certificate (the bundle's X.509 authority). */
  public X509Certificate root() {
    return root;
  }

  /** The SPIFFE ID of {@code path} in this domain. */
  public SpiffeId id(String path) {
    return trustDomain.workload(path);
  }

  /** A good X.509-SVID for {@code path} (e.g. {@code /ns/shop/sa/checkout}). */
  public TestSvid issueX509Svid(String path) {
    return leaf(path).issue();
  }

  /** A leaf builder for {@code path}, good by default, to be broken on purpose. */
  public LeafBuilder leaf(String path) {
    Objects.requireNonNull(path, "path");
    Instant now = clock.instant();
    return new LeafBuilder(this, "spiffe://" + trustDomain + path, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofHours(1)));
  }

  /** A JWT-SVID builder for the workload {@code path}, signed with this domain's JWT authority. */
  public JwtSvidBuilder jwtSvid(String path) {
    return new JwtSvidBuilder(this, "spiffe://" + trustDomain + path, clock.instant());
  }

  /** This domain's JWT authority (private key included; the bundle publishes only the public part). */
  public ECKey jwtKey() {
    return jwtKey;
  }

  /** This domain's bundle: the root as the X.509 authority and the JWT authority, as JSON and PEM. */
  public TestBundle bundle() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("spiffe_sequence", 1L);
    doc.put("spiffe_refresh_hint", 300L);
    List<Object> keys = new ArrayList<>();
    keys.add(publicJwk(root));
    Map<String, Object> jwt = new LinkedHashMap<>(jwtKey.toPublicJWK().toJSONObject());
    jwt.put("use", "jwt-svid");
    keys.add(jwt);
    doc.put("keys", keys);
    return new TestBundle(trustDomain, JSONObjectUtils.toJSONString(doc), pem(root));
  }

  private static Map<String, Object> publicJwk(X509Certificate cert) {
    try {
      Map<String, Object> m = new LinkedHashMap<>(
          new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) cert.getPublicKey())
              .build().toJSONObject());
      m.put("use", "x509-svid");
      m.put("x5c", List.of(Base64.getEncoder().encodeToString(TestSvid.der(cert))));
      return m;
    } catch (ClassCastException e) {
      throw new IllegalStateException("test roots are EC P-256", e);
    }
  }

  /**
   * A plain JDK client-or-server {@code SSLContext} that presents {@code svid} as is (even a broken one) and trusts
   * the roots of {@code trusted} by standard PKIX (no host-name check). For test peers of zt's SPIFFE contexts.
   */
  public static SSLContext sslContextFor(TestSvid svid, TestTrustDomain... trusted) {
    try {
      char[] pw = "test".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("svid", svid.privateKey(), pw, svid.chainArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      for (int i = 0; i < trusted.length; i++) {
        ts.setCertificateEntry("root-" + i, trusted[i].root());
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  KeyPair issuerKey() {
    return issuerKey;
  }

  X509Certificate issuerCert() {
    return intermediate == null ? root : intermediate;
  }

  List<X509Certificate> intermediates() {
    return intermediate == null ? List.of() : List.of(intermediate);
  }

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(X509Certificate c) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(TestSvid.der(c))
        + "\n-----END CERTIFICATE-----\n";
  }

  /** One certificate to issue: everything the leaf builder and the CA paths can vary. */
  static final class CertSpec {
    final List<String> uris = new ArrayList<>();
    final PublicKey publicKey;
    String subject = "";
    boolean ca;
    boolean basicConstraints = true;
    Integer keyUsage;
    boolean keyUsageCritical = true;
    boolean sanCritical;
    List<org.bouncycastle.asn1.x509.KeyPurposeId> eku;
    Instant notBefore;
    Instant notAfter;

    CertSpec(String uri, PublicKey publicKey) {
      if (uri != null) {
        uris.add(uri);
      }
      this.publicKey = publicKey;
    }

    CertSpec ca(boolean ca) {
      this.ca = ca;
      return this;
    }

    CertSpec keyUsage(int ku) {
      this.keyUsage = ku;
      return this;
    }

    CertSpec validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    CertSpec subject(String dn) {
      this.subject = dn;
      return this;
    }

    /** Signs with {@code signer}; the issuer name is {@code issuer}'s current issuing cert, or self when null. */
    X509Certificate sign(TestTrustDomain issuer, PrivateKey signer) {
      try {
        X500Name subjectName = subject.isEmpty() ? X500Name.getInstance(new org.bouncycastle.asn1.DERSequence())
            : new X500Name(subject);
        X500Name issuerName = issuer == null
            ? subjectName
            : X500Name.getInstance(issuerCertFor(issuer, signer).getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
            new BigInteger(128, RANDOM).setBit(127), Date.from(notBefore), Date.from(notAfter), subjectName,
            publicKey);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        if (basicConstraints) {
          b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(true)
              : new BasicConstraints(false));
        }
        if (keyUsage != null) {
          b.addExtension(Extension.keyUsage, keyUsageCritical, new KeyUsage(keyUsage));
        }
        if (!uris.isEmpty()) {
          GeneralName[] names = uris.stream()
              .map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u))
              .toArray(GeneralName[]::new);
          b.addExtension(Extension.subjectAlternativeName,
              sanCritical || subject.isEmpty(),
              new GeneralNames(names));
        }
        if (eku != null) {
          b.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
              eku.toArray(new org.bouncycastle.asn1.x509.KeyPurposeId[0])));
        }
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
        if (issuer != null) {
          b.addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(issuerCertFor(issuer, signer)));
        }
        return new JcaX509CertificateConverter()
            .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
      } catch (Exception e) {
        throw new IllegalStateException("cannot issue a test certificate: " + e.getMessage(), e);
      }
    }

    private static X509Certificate issuerCertFor(TestTrustDomain issuer, PrivateKey signer) {
      return signer == issuer.rootKey.getPrivate() ? issuer.root : issuer.issuerCert();
    }
  }
}
