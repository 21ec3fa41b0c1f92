package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/**
 * The introspection cache's key: the token's SHA-256, hashed straight from the {@code Authorization} header's
 * characters. It must be exactly SHA-256 of the token's ASCII bytes (the opaque path and the JWT path key one cache),
 * and never let a non-ASCII token share an ASCII token's key.
 */
class IntrospectorTokenHashTests {

  private static Introspector.TokenHash sha256(String ascii) throws Exception {
    byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes));
    return new Introspector.TokenHash(b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }

  @Test
  void ofAsciiOrNullWhenRegionOfAHeaderThenSha256OfTheTokenAlone() throws Exception {
    String token = "2YotnFZFEjr1zCsicMWpAA";
    assertThat(Introspector.TokenHash.ofAsciiOrNull("Bearer   " + token, 9, 9 + token.length()))
        .isEqualTo(sha256(token))
        .isEqualTo(Introspector.TokenHash.of(token));
  }

  @Test
  void ofAsciiOrNullWhenLongerThanTheScratchBufferThenSha256OfTheWholeToken() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      b.append((char) ('a' + i % 26));
    }
    String token = b.toString();
    assertThat(Introspector.TokenHash.ofAsciiOrNull(token, 0, token.length())).isEqualTo(sha256(token));
    assertThat(Introspector.TokenHash.ofAsciiOrNull(token, 0, 512)).isEqualTo(sha256(token.substring(0, 512)));
    assertThat(Introspector.TokenHash.ofAsciiOrNull(token, 0, 0)).isEqualTo(sha256(""));
  }

  @Test
  void ofAsciiOrNullWhenACharIsNotAsciiThenNullEvenWhenItsLowByteSpellsAnotherToken() {
    assertThat(Introspector.TokenHash.ofAsciiOrNull("tok\u0164n", 0, 5)).isNull(); // low byte 0x64 = 'd'
    assertThat(Introspector.TokenHash.ofAsciiOrNull("tok\u00e9n", 0, 5)).isNull();
    assertThat(Introspector.TokenHash.ofAsciiOrNull("tok\u0080n", 0, 5)).isNull();
  }

  @Test
  void ofAsciiOrNullWhenAfterANonAsciiTokenThenTheDigestStartsAfresh() throws Exception {
    assertThat(Introspector.TokenHash.ofAsciiOrNull("x\u0100yz", 0, 4)).isNull();
    assertThat(Introspector.TokenHash.ofAsciiOrNull("abc", 0, 3)).isEqualTo(sha256("abc"));
  }

  @Test
  void ofWhenNotAsciiThenThrows() {
    assertThatThrownBy(() -> Introspector.TokenHash.of("tok\u00e9n")).isInstanceOf(IllegalArgumentException.class);
  }
}
