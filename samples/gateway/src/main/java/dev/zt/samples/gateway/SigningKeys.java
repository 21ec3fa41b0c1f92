package dev.zt.samples.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The internal-token minter's signing keys: a fresh P-256 key per start (the default), or the one in
 * {@code GATEWAY_SIGNING_KEY}: a PEM file holding the private key ({@code PRIVATE KEY}, PKCS#8) and its public key
 * ({@code PUBLIC KEY}, X.509 SubjectPublicKeyInfo), as {@code openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:P-256 > key.pem && openssl pkey -in key.pem -pubout >> key.pem} writes it. The JDK cannot derive
 * a public EC key from a private one, hence both; the pair is checked by a signature.
 */
final class SigningKeys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN (PRIVATE KEY|PUBLIC KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private SigningKeys() {}

  /** A new P-256 key, its {@code kid} the JWK thumbprint (RFC 7638). */
  static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  /** The P-256 key pair in {@code file}; any problem is an error naming {@code GATEWAY_SIGNING_KEY}. */
  static ECKey read(Path file) {
    String pem = GatewayConfig.read(file, "GATEWAY_SIGNING_KEY");
    byte[] privateDer = null;
    byte[] publicDer = null;
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      if (m.group(1).equals("PRIVATE KEY")) {
        privateDer = der;
      } else {
        publicDer = der;
      }
    }
    if (privateDer == null || publicDer == null) {
      throw new IllegalArgumentException("GATEWAY_SIGNING_KEY must hold a PRIVATE KEY (PKCS#8) and its PUBLIC KEY,"
          + " PEM, P-256 (see samples/gateway/README.md)");
    }
    try {
      KeyFactory ec = KeyFactory.getInstance("EC");
      ECPrivateKey priv = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
      ECPublicKey pub = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(publicDer));
      if (!Curve.P_256.equals(Curve.forECParameterSpec(pub.getParams()))) {
        throw new IllegalArgumentException("GATEWAY_SIGNING_KEY must be a P-256 key (ES256)");
      }
      Signature s = Signature.getInstance("SHA256withECDSA");
      byte[] probe = "zt gateway signing key".getBytes(StandardCharsets.US_ASCII);
      s.initSign(priv);
      s.update(probe);
      byte[] sig = s.sign();
      s.initVerify(pub);
      s.update(probe);
      if (!s.verify(sig)) {
        throw new IllegalArgumentException("GATEWAY_SIGNING_KEY's PUBLIC KEY is not the PRIVATE KEY's");
      }
      return new ECKey.Builder(Curve.P_256, pub).privateKey(priv).keyIDFromThumbprint().build();
    } catch (GeneralSecurityException | JOSEException | ClassCastException e) {
      throw new IllegalArgumentException("GATEWAY_SIGNING_KEY is not a usable EC key pair ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
