package dev.zt.spiffe;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Strict RFC 7468 PEM reading: only the labels asked for, base64 that decodes, nothing left half-open. */
final class Pem {

  record Block(String label, byte[] der) {}

  private Pem() {}

  static List<Block> blocks(String text) {
    List<Block> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", i);
      if (begin < 0) {
        break;
      }
      int labelEnd = text.indexOf("-----", begin + 11);
      if (labelEnd < 0) {
        throw new InvalidBundleException("PEM: unterminated BEGIN line");
      }
      String label = text.substring(begin + 11, labelEnd);
      String endLine = "-----END " + label + "-----";
      int end = text.indexOf(endLine, labelEnd + 5);
      if (end < 0) {
        throw new InvalidBundleException("PEM: no END line for " + label);
      }
      String body = text.substring(labelEnd + 5, end);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body.strip());
      } catch (IllegalArgumentException e) {
        throw new InvalidBundleException("PEM: " + label + " is not base64");
      }
      for (int k = 0; k < body.length(); k++) {
        char c = body.charAt(k);
        boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
            || c == '/' || c == '=' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
        if (!ok) {
          throw new InvalidBundleException("PEM: " + label + " holds a character outside base64");
        }
      }
      out.add(new Block(label, der));
      i = end + endLine.length();
    }
    return out;
  }

  static List<X509Certificate> certificates(String text) {
    List<X509Certificate> certs = new ArrayList<>();
    for (Block b : blocks(text)) {
      if (!b.label().equals("CERTIFICATE")) {
        throw new InvalidBundleException("PEM: expected only CERTIFICATE blocks, found " + b.label());
      }
      certs.add(certificate(b.der()));
    }
    return certs;
  }

  static X509Certificate certificate(byte[] der) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      ByteArrayInputStream in = new ByteArrayInputStream(der);
      X509Certificate cert = (X509Certificate) cf.generateCertificate(in);
      if (in.available() != 0) {
        throw new InvalidBundleException("certificate DER has trailing data");
      }
      return cert;
    } catch (CertificateException | ClassCastException e) {
      throw new InvalidBundleException("not an X.509 certificate: " + e.getClass().getSimpleName(), e);
    }
  }

  /** A PKCS#8 private key ({@code PRIVATE KEY}); RSA, EC and Ed25519 are tried in turn. */
  static PrivateKey privateKey(String text) {
    List<Block> blocks = blocks(text);
    if (blocks.size() != 1 || !blocks.get(0).label().equals("PRIVATE KEY")) {
      throw new IllegalArgumentException("expected exactly one PKCS#8 'PRIVATE KEY' PEM block");
    }
    byte[] der = blocks.get(0).der();
    for (String alg : List.of("EC", "RSA", "RSASSA-PSS", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("PKCS#8 key of an unsupported algorithm");
  }
}
