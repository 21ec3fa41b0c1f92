package dev.zt.spiffe.workload;

import dev.zt.core.internal.StrictJson;
import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.TrustDomain;
import dev.zt.spiffe.X509Svid;
import dev.zt.spiffe.workload.internal.proto.JWTBundlesResponse;
import dev.zt.spiffe.workload.internal.proto.X509SVID;
import dev.zt.spiffe.workload.internal.proto.X509SVIDResponse;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Workload API messages into zt-spiffe values. Each X509SVIDResponse is the whole state (Workload API §4.3):
 * the first SVID is the default identity (§5.3); its own trust domain's bundle plus every federated bundle make the
 * bundle set. Anything malformed is rejected as a whole; the caller keeps the previous snapshot.
 */
final class Responses {

  private Responses() {}

  static SvidSnapshot snapshot(X509SVIDResponse response) {
    if (response.getSvidsCount() == 0) {
      throw new WorkloadApiException("X509SVIDResponse holds no SVID");
    }
    X509SVID first = response.getSvids(0);
    SpiffeId declared;
    try {
      declared = SpiffeId.parse(first.getSpiffeId());
    } catch (IllegalArgumentException e) {
      throw new WorkloadApiException("X509SVID.spiffe_id is not a SPIFFE ID: " + e.getMessage(), e);
    }
    List<X509Certificate> chain = certificates(first.getX509Svid(), "X509SVID.x509_svid");
    X509Svid svid;
    try {
      svid = X509Svid.of(chain, privateKey(first.getX509SvidKey()));
    } catch (IllegalArgumentException e) {
      throw new WorkloadApiException("X509SVID for " + declared + " is not a usable SVID: " + e.getMessage(), e);
    }
    if (!svid.spiffeId().equals(declared)) {
      throw new WorkloadApiException("X509SVID.spiffe_id " + declared + " is not the leaf's ID " + svid.spiffeId());
    }
    TrustDomain own = declared.trustDomain();
    List<TrustBundle> bundles = new ArrayList<>();
    bundles.add(x509Bundle(own, first.getBundle(), "X509SVID.bundle"));
    for (Map.Entry<String, ByteString> e : response.getFederatedBundlesMap().entrySet()) {
      TrustDomain td = trustDomain(e.getKey(), "federated_bundles");
      if (td.equals(own)) {
        throw new WorkloadApiException("federated_bundles holds the SVID's own trust domain " + own);
      }
      bundles.add(x509Bundle(td, e.getValue(), "federated_bundles[" + td + "]"));
    }
    return new SvidSnapshot(svid, TrustBundleSet.of(bundles));
  }

  /**
   * The JWT bundles of a JWTBundlesResponse (JWKS documents keyed by trust domain). A key without {@code use} is read
   * as a JWT authority, since this RPC carries nothing else; every other rule of {@link TrustBundle#parse} applies.
   */
  static TrustBundleSet jwtBundles(JWTBundlesResponse response) {
    List<TrustBundle> bundles = new ArrayList<>();
    for (Map.Entry<String, ByteString> e : response.getBundlesMap().entrySet()) {
      TrustDomain td = trustDomain(e.getKey(), "JWTBundlesResponse.bundles");
      String json = e.getValue().toString(StandardCharsets.UTF_8);
      if (json.length() > TrustBundle.MAX_BUNDLE_CHARS || !StrictJson.valid(json)) {
        throw new WorkloadApiException("JWT bundle of " + td + " is not strict JSON of at most "
            + TrustBundle.MAX_BUNDLE_CHARS + " characters");
      }
      try {
        Map<String, Object> doc = JSONObjectUtils.parse(json, TrustBundle.MAX_BUNDLE_CHARS);
        if (doc == null) { // the JSON literal null parses to no object at all
          throw new WorkloadApiException("JWT bundle of " + td + " is not a JSON object");
        }
        if (doc.get("keys") instanceof List<?> keys) {
          List<Object> marked = new ArrayList<>();
          for (Object k : keys) {
            if (k instanceof Map<?, ?> m && !m.containsKey("use")) {
              @SuppressWarnings("unchecked")
              Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
              copy.put("use", "jwt-svid");
              marked.add(copy);
            } else {
              marked.add(k);
            }
          }
          doc.put("keys", marked);
        }
        bundles.add(TrustBundle.parse(td, JSONObjectUtils.toJSONString(doc)));
      } catch (ParseException | IllegalArgumentException ex) {
        throw new WorkloadApiException("JWT bundle of " + td + " is not a usable bundle: " + ex.getMessage(), ex);
      }
    }
    return TrustBundleSet.of(bundles);
  }

  private static TrustDomain trustDomain(String key, String field) {
    try {
      return TrustDomain.parse(key);
    } catch (IllegalArgumentException e) {
      throw new WorkloadApiException(field + " key is not a trust domain: " + e.getMessage(), e);
    }
  }

  private static TrustBundle x509Bundle(TrustDomain td, ByteString der, String field) {
    try {
      return TrustBundle.ofX509Authorities(td, certificates(der, field));
    } catch (IllegalArgumentException e) {
      throw new WorkloadApiException(field + " is not a usable bundle: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(ByteString der, String field) {
    if (der.isEmpty()) {
      throw new WorkloadApiException(field + " is empty");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : cf.generateCertificates(new ByteArrayInputStream(der.toByteArray()))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new WorkloadApiException(field + " holds no certificate");
      }
      return List.copyOf(out);
    } catch (CertificateException e) {
      throw new WorkloadApiException(field + " is not concatenated DER certificates", e);
    }
  }

  private static PrivateKey privateKey(ByteString pkcs8) {
    if (pkcs8.isEmpty()) {
      throw new WorkloadApiException("X509SVID.x509_svid_key is empty");
    }
    byte[] der = pkcs8.toByteArray();
    for (String alg : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm; the message below says none fitted, without the key bytes
      }
    }
    throw new WorkloadApiException("X509SVID.x509_svid_key is not a PKCS#8 EC, RSA or Ed25519 private key");
  }
}
