package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.internal.Encodings;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure parts of {@link JwtVerifier}: canonical base64url (RFC 7515 §2, RFC 4648 §3.5 and §5). */
class JwtVerifierTests {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "QQ", "QUI", "QUJD", "QUJDRA", "QUJDREU", "AA", "AAA", "AAAA", "____", "----", "-_-_", "Zg", "Zm8",
      "Zm9v", "eyJhbGciOiJFZERTQSJ9", "w4k", "_w", "_-A",
  })
  void canonicalBase64UrlWhenCanonicalThenAccepts(String s) {
    assertThat(Encodings.canonicalBase64Url(s, 0, s.length())).isTrue();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {
      // empty
      "",
      // padding
      "QQ==", "QQ=", "QUI=", "QUJD====", "=", "==", "Q===",
      // the base64 (not base64url) alphabet
      "ab+c", "ab/c", "+/+/", "QUJ+", "Q/",
      // a length of 4n+1 cannot encode whole bytes
      "Q", "QUJDR", "QUJDRAAAA",
      // non-zero unused bits in the last character
      "QR", "QB", "QP", "Q_", "QUJ", "QUK", "QUL", "QU_", "AB", "AAB", "AAC", "AAD",
      // anything else
      " QQ", "QQ ", "Q Q", "QQ\n", "Q.Q", "QUJ%", "QUI\u0000", "Q\u00c9", "Q\uff21", "QQ\u200b",
  })
  void canonicalBase64UrlWhenNotCanonicalThenRefuses(String s) {
    assertThat(Encodings.canonicalBase64Url(s, 0, s.length())).isFalse();
  }

  @Test
  void canonicalBase64UrlWhenCheckingARangeThenLooksOnlyInsideIt() {
    String token = "QR.QQ.QUJ=";

    assertThat(Encodings.canonicalBase64Url(token, 3, 5)).isTrue();
    assertThat(Encodings.canonicalBase64Url(token, 0, 2)).isFalse();
    assertThat(Encodings.canonicalBase64Url(token, 6, 10)).isFalse();
    assertThat(Encodings.canonicalBase64Url(token, 6, 9)).isFalse();
    assertThat(Encodings.canonicalBase64Url(token, 2, 5)).isFalse();
    assertThat(Encodings.canonicalBase64Url(token, 5, 5)).isFalse();
  }

  @Test
  void canonicalBase64UrlWhenEveryTwoAndThreeCharacterStringIsCheckedThenAgreesWithDecodeReencode() {
    Base64.Decoder decoder = Base64.getUrlDecoder();
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    List<String> disagreements = new ArrayList<>();
    int accepted2 = 0;
    int accepted3 = 0;
    for (int a = 0; a < 64; a++) {
      for (int b = 0; b < 64; b++) {
        String two = "" + ALPHABET.charAt(a) + ALPHABET.charAt(b);
        boolean ok2 = encoder.encodeToString(decoder.decode(two)).equals(two);
        if (Encodings.canonicalBase64Url(two, 0, 2) != ok2) {
          disagreements.add(two);
        }
        accepted2 += ok2 ? 1 : 0;
        for (int c = 0; c < 64; c++) {
          String three = two + ALPHABET.charAt(c);
          boolean ok3 = encoder.encodeToString(decoder.decode(three)).equals(three);
          if (Encodings.canonicalBase64Url(three, 0, 3) != ok3) {
            disagreements.add(three);
          }
          accepted3 += ok3 ? 1 : 0;
        }
      }
    }
    assertThat(disagreements).isEmpty();
    // one byte has 256 canonical 2-character encodings; two bytes have 65536 canonical 3-character encodings
    assertThat(accepted2).isEqualTo(256);
    assertThat(accepted3).isEqualTo(65536);
  }

  @Test
  void canonicalBase64UrlWhenEncodingRandomBytesThenAcceptsAndDecodesBack() {
    Random random = new Random(20250101L);
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    for (int len = 1; len <= 200; len++) {
      byte[] bytes = new byte[len];
      random.nextBytes(bytes);
      String s = encoder.encodeToString(bytes);
      assertThat(Encodings.canonicalBase64Url(s, 0, s.length())).as(s).isTrue();
      assertThat(Base64.getUrlDecoder().decode(s)).isEqualTo(bytes);
      String flipped = s.substring(0, s.length() - 1) + flipLowBit(s.charAt(s.length() - 1));
      boolean lastHasUnusedBits = len % 3 != 0;
      assertThat(Encodings.canonicalBase64Url(flipped, 0, flipped.length())).as(flipped)
          .isEqualTo(!lastHasUnusedBits);
    }
  }

  private static char flipLowBit(char c) {
    return ALPHABET.charAt(ALPHABET.indexOf(c) ^ 1);
  }
}
