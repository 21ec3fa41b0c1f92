package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link TailHashedKey}: the hash reads the length and the last 32 characters; equality reads them all. */
class TailHashedKeyTests {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ."
      + "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi13aXRoLWVub3VnaC1jaGFyYWN0ZXJz";

  private static final class Key extends TailHashedKey {
    Key(String value) {
      super(value);
    }
  }

  private static final class OtherKind extends TailHashedKey {
    OtherKind(String value) {
      super(value);
    }
  }

  @Test
  void hashOfWhenAnyOfTheLast32CharactersChangesThenTheHashChanges() {
    int hash = TailHashedKey.hashOf(TOKEN);
    for (int i = TOKEN.length() - 32; i < TOKEN.length(); i++) {
      char[] c = TOKEN.toCharArray();
      c[i] = c[i] == 'A' ? 'B' : 'A';
      assertThat(TailHashedKey.hashOf(new String(c))).as("character %d", i).isNotEqualTo(hash);
    }
    assertThat(TailHashedKey.hashOf(TOKEN + "A")).isNotEqualTo(hash);
    assertThat(TailHashedKey.hashOf(TOKEN.substring(1))).isNotEqualTo(hash);
  }

  @Test
  void equalsWhenOnlyAnEarlierCharacterDiffersThenSameHashButNotEqual() {
    String forged = 'X' + TOKEN.substring(1); // same length and tail: the hash cannot tell them apart
    Key key = new Key(TOKEN);

    assertThat(new Key(forged).hashCode()).isEqualTo(key.hashCode());
    assertThat(new Key(forged)).isNotEqualTo(key);
    assertThat(new Key(new String(TOKEN.toCharArray()))).isEqualTo(key);
    assertThat(new OtherKind(TOKEN)).isNotEqualTo(key);
  }

  @Test
  void hashOfWhenShorterThan32CharactersThenReadsThemAll() {
    assertThat(TailHashedKey.hashOf("abc")).isNotEqualTo(TailHashedKey.hashOf("abd"))
        .isNotEqualTo(TailHashedKey.hashOf("bbc")).isNotEqualTo(TailHashedKey.hashOf("abcd"));
    assertThat(TailHashedKey.hashOf("")).isEqualTo(TailHashedKey.hashOf(""));
    assertThat(new Key("abc").hash()).isEqualTo(TailHashedKey.hashOf("abc"));
  }
}
