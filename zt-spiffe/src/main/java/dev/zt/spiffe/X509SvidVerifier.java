package dev.zt.spiffe;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a presented certificate chain as an X.509-SVID (X509-SVID §5): the SPIFFE-specific leaf rules (§2, §3.1,
 * §4.1, §4.3, §4.4, §5.2), the signing-certificate rules (§3.2, §4.1, §4.3), then RFC 5280 path validation with the
 * JDK's PKIX {@code CertPathValidator} against the X.509 authorities of the <em>leaf's</em> trust domain only (no
 * revocation checking; the time is the injected clock's). Each rejection names its {@link X509SvidRule}.
 *
 * <p>Stricter than the minimum of §5.2 where the issuing rules are MUSTs a verifier can check: the leaf's key usage
 * must be present and critical (§4.3), an extended key usage, if present, must hold both {@code serverAuth} and
 * {@code clientAuth} (§4.4), and every signing certificate — trust anchor included — must have {@code cA=true} and
 * {@code keyCertSign}. Thread-safe and immutable.
 *
 * @since 0.1
 */
public final class X509SvidVerifier {

  /** The longest chain accepted. */
  public static final int MAX_CHAIN_LENGTH = 16;

  private static final String OID_KEY_USAGE = "2.5.29.15";
  private static final String OID_SAN = "2.5.29.17";
  private static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int SAN_URI = 6;
  private static final int KU_DIGITAL_SIGNATURE = 0;
  private static final int KU_KEY_CERT_SIGN = 5;
  private static final int KU_CRL_SIGN = 6;

  private final Clock clock;

  private X509SvidVerifier(Clock clock) {
    this.clock = clock;
  }

  /** A verifier that reads the time from {@code clock}. */
  public static X509SvidVerifier create(Clock clock) {
    return new X509SvidVerifier(Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Verifies {@code chain} (leaf first, then intermediates; a trailing copy of the root is allowed) against the
   * bundle of the leaf's trust domain in {@code bundles}.
   */
  public X509SvidResult verify(List<X509Certificate> chain, TrustBundleSet bundles) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(bundles, "bundles");
    try {
      return doVerify(chain, bundles);
    } catch (RuntimeException e) {
      // anything unexpected in untrusted input rejects, never escapes as a fault
      return reject(X509SvidRule.MALFORMED_CERTIFICATE, "unreadable certificate: " + e.getClass().getSimpleName());
    }
  }

  private X509SvidResult doVerify(List<X509Certificate> chain, TrustBundleSet bundles) {
    if (chain.isEmpty()) {
      return reject(X509SvidRule.CHAIN_EMPTY, "no certificate presented");
    }
    if (chain.size() > MAX_CHAIN_LENGTH) {
      return reject(X509SvidRule.CHAIN_TOO_LONG, chain.size() + " certificates");
    }
    X509Certificate leaf = chain.get(0);

    // ---- the SPIFFE ID: exactly one URI SAN, a valid SPIFFE ID with a path (§2, §3.1, §5.2)
    List<String> uris;
    try {
      uris = uriSans(leaf);
    } catch (CertificateParsingException e) {
      return reject(X509SvidRule.MALFORMED_CERTIFICATE, "unreadable subjectAltName");
    }
    if (uris.isEmpty()) {
      return reject(X509SvidRule.NO_URI_SAN, "leaf has no URI SAN");
    }
    if (uris.size() > 1) {
      return reject(X509SvidRule.MULTIPLE_URI_SANS, "leaf has " + uris.size() + " URI SANs");
    }
    SpiffeId id;
    try {
      id = SpiffeId.parse(uris.get(0));
    } catch (InvalidSpiffeIdException e) {
      return reject(X509SvidRule.NOT_A_SPIFFE_ID, "URI SAN is not a SPIFFE ID: " + e.rule().code());
    }
    if (id.isRoot()) {
      return reject(X509SvidRule.LEAF_ID_WITHOUT_PATH, "leaf SPIFFE ID " + id + " has no path");
    }
    if (emptySubject(leaf) && !critical(leaf, OID_SAN)) {
      return reject(X509SvidRule.SAN_NOT_CRITICAL, "empty subject with a non-critical subjectAltName");
    }

    // ---- leaf constraints (§4.1, §4.3, §4.4, §5.2)
    if (leaf.getBasicConstraints() != -1) {
      return reject(X509SvidRule.LEAF_IS_CA, "leaf has cA=true");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      return reject(X509SvidRule.KEY_USAGE_MISSING, "leaf has no keyUsage");
    }
    if (!critical(leaf, OID_KEY_USAGE)) {
      return reject(X509SvidRule.KEY_USAGE_NOT_CRITICAL, "leaf keyUsage is not critical");
    }
    if (!bit(ku, KU_DIGITAL_SIGNATURE)) {
      return reject(X509SvidRule.DIGITAL_SIGNATURE_MISSING, "leaf keyUsage lacks digitalSignature");
    }
    if (bit(ku, KU_KEY_CERT_SIGN)) {
      return reject(X509SvidRule.LEAF_KEY_CERT_SIGN, "leaf keyUsage has keyCertSign");
    }
    if (bit(ku, KU_CRL_SIGN)) {
      return reject(X509SvidRule.LEAF_CRL_SIGN, "leaf keyUsage has cRLSign");
    }
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return reject(X509SvidRule.MALFORMED_CERTIFICATE, "unreadable extendedKeyUsage");
    }
    if (eku != null && !(eku.contains(EKU_SERVER_AUTH) && eku.contains(EKU_CLIENT_AUTH))) {
      return reject(X509SvidRule.EXTENDED_KEY_USAGE, "leaf extendedKeyUsage lacks serverAuth or clientAuth");
    }

    // ---- the trust domain's bundle, and only that one (§5.1; Trust Domain and Bundle §3)
    Optional<TrustBundle> bundle = bundles.bundleFor(id.trustDomain());
    if (bundle.isEmpty() || bundle.get().x509Authorities().isEmpty()) {
      return reject(X509SvidRule.NO_BUNDLE_FOR_TRUST_DOMAIN, "no X.509 authority for " + id.trustDomain());
    }
    List<X509Certificate> anchors = bundle.get().x509Authorities();

    // the path ends before the first certificate that is itself an authority (peers may send the root)
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (!path.isEmpty() && isAnchor(c, anchors)) {
        break;
      }
      path.add(c);
    }

    // ---- signing certificates in the presented path (§3.2, §4.1, §4.3)
    for (int i = 1; i < path.size(); i++) {
      X509SvidResult bad = checkSigning(path.get(i), "intermediate " + i);
      if (bad != null) {
        return bad;
      }
    }

    // ---- validity, named before path validation so the reason is precise
    Date now = Date.from(clock.instant());
    for (int i = 0; i < path.size(); i++) {
      String which = i == 0 ? "leaf" : "intermediate " + i;
      try {
        path.get(i).checkValidity(now);
      } catch (CertificateExpiredException e) {
        return reject(X509SvidRule.EXPIRED, which + " expired at " + path.get(i).getNotAfter().toInstant());
      } catch (CertificateNotYetValidException e) {
        return reject(X509SvidRule.NOT_YET_VALID, which + " not valid before "
            + path.get(i).getNotBefore().toInstant());
      }
    }

    // ---- RFC 5280 path validation (JDK PKIX), revocation off, the clock's time
    X509Certificate anchor;
    try {
      Set<TrustAnchor> trustAnchors = new HashSet<>();
      for (X509Certificate a : anchors) {
        trustAnchors.add(new TrustAnchor(a, null));
      }
      PKIXParameters params = new PKIXParameters(trustAnchors);
      params.setRevocationEnabled(false);
      params.setDate(now);
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXCertPathValidatorResult result =
          (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
      anchor = result.getTrustAnchor().getTrustedCert();
    } catch (CertPathValidatorException e) {
      if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
        return reject(X509SvidRule.NOT_SIGNED_BY_TRUST_DOMAIN_AUTHORITY,
            "chain does not lead to an authority of " + id.trustDomain());
      }
      return reject(X509SvidRule.PATH_VALIDATION_FAILED, "path validation: " + e.getReason());
    } catch (GeneralSecurityException e) {
      return reject(X509SvidRule.PATH_VALIDATION_FAILED, "path validation: " + e.getClass().getSimpleName());
    }
    X509SvidResult badAnchor = checkSigning(anchor, "trust anchor");
    if (badAnchor != null) {
      return badAnchor;
    }
    return new X509SvidResult.Verified(new VerifiedX509Svid(id, path, anchor));
  }

  private static X509SvidResult checkSigning(X509Certificate c, String which) {
    if (c.getBasicConstraints() < 0) {
      return reject(X509SvidRule.SIGNING_CERT_NOT_CA, which + " is not a CA (cA=false)");
    }
    boolean[] ku = c.getKeyUsage();
    if (ku == null || !bit(ku, KU_KEY_CERT_SIGN)) {
      return reject(X509SvidRule.SIGNING_CERT_KEY_CERT_SIGN_MISSING, which + " lacks keyCertSign");
    }
    try {
      for (String uri : uriSans(c)) {
        if (SpiffeId.isValid(uri) && !SpiffeId.parse(uri).isRoot()) {
          return reject(X509SvidRule.SIGNING_CERT_ID_HAS_PATH, which + " has a SPIFFE ID with a path");
        }
      }
    } catch (CertificateParsingException e) {
      return reject(X509SvidRule.MALFORMED_CERTIFICATE, which + ": unreadable subjectAltName");
    }
    return null;
  }

  private static List<String> uriSans(X509Certificate c) throws CertificateParsingException {
    Collection<List<?>> sans = c.getSubjectAlternativeNames();
    if (sans == null) {
      return List.of();
    }
    List<String> uris = new ArrayList<>();
    for (List<?> san : sans) {
      if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_URI) {
        uris.add(String.valueOf(san.get(1)));
      }
    }
    return uris;
  }

  private static boolean isAnchor(X509Certificate c, List<X509Certificate> anchors) {
    try {
      byte[] enc = c.getEncoded();
      for (X509Certificate a : anchors) {
        if (Arrays.equals(enc, a.getEncoded())) {
          return true;
        }
      }
    } catch (CertificateEncodingException e) {
      return false;
    }
    return false;
  }

  private static boolean emptySubject(X509Certificate c) {
    byte[] der = c.getSubjectX500Principal().getEncoded();
    return der.length == 2; // SEQUENCE {}
  }

  private static boolean critical(X509Certificate c, String oid) {
    Set<String> crit = c.getCriticalExtensionOIDs();
    return crit != null && crit.contains(oid);
  }

  private static boolean bit(boolean[] bits, int i) {
    return i < bits.length && bits[i];
  }

  private static X509SvidResult reject(X509SvidRule rule, String detail) {
    return new X509SvidResult.Rejected(rule, detail);
  }
}
