package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zt.core.internal.FuzzText;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Fuzz target for the RFC 9440 {@code Client-Cert} parse ({@link CertificateBinding#headerCertificate}): it answers
 * for every value (never throws), and what it accepts is one RFC 8941 byte sequence of at most 16 KiB whose bytes are
 * exactly one DER certificate: the base64 between the colons decodes to them, the JDK reads one certificate from them
 * whose encoding is those very bytes, and encoding them again gives a value accepted with the same bytes.
 */
class CertificateBindingFuzzTests {

  @FuzzTest(maxDuration = "4m")
  void headerCertificateWhenFuzzedThenOneDerCertificateOrNone(FuzzedDataProvider data) throws Exception {
    String value = FuzzText.of(data);

    byte[] der = CertificateBinding.headerCertificate(value);

    if (der == null) {
      return;
    }
    assertThat(value.length()).isLessThanOrEqualTo(CertificateBinding.MAX_HEADER_CHARS);
    String v = value.strip();
    assertThat(v).startsWith(":").endsWith(":");
    assertThat(Base64.getDecoder().decode(v.substring(1, v.length() - 1))).isEqualTo(der);
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    assertThat(cert.getEncoded()).isEqualTo(der);
    assertThat(CertificateBinding.headerCertificate(":" + Base64.getEncoder().encodeToString(der) + ":"))
        .isEqualTo(der);
  }
}
