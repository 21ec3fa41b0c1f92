package dev.zt.spiffe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for {@link SpiffeId} and {@link TrustDomain} parsing (SPIFFE-ID §2): any input is refused with
 * {@link InvalidSpiffeIdException} alone, or gives an ID that is canonical (its string is the input, every component
 * in its alphabet and bounds) and that lenient parsing leaves as it is.
 */
class SpiffeIdFuzzTests {

  @FuzzTest(maxDuration = "4m")
  void parseWhenFuzzedThenCanonicalIdOrInvalidSpiffeIdException(FuzzedDataProvider data) {
    String input = FuzzTexts.of(data);

    SpiffeId id;
    try {
      id = SpiffeId.parse(input);
    } catch (InvalidSpiffeIdException e) {
      assertThat(SpiffeId.isValid(input)).isFalse();
      lenientOrRefused(input);
      return;
    }
    assertThat(id.toString()).isEqualTo(input);
    assertThat(input.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048);
    assertThat(input).startsWith("spiffe://" + id.trustDomain().name());
    assertThat(id.trustDomain().name()).matches("[a-z0-9._-]{1,255}");
    assertThat(id.trustDomain()).isEqualTo(TrustDomain.parse(input));
    assertThat(input).isEqualTo("spiffe://" + id.trustDomain().name() + id.path());
    assertThat(id.isRoot()).isEqualTo(id.path().isEmpty());
    assertThat(id.path().isEmpty() ? "" : "/" + String.join("/", id.segments())).isEqualTo(id.path());
    for (String segment : id.segments()) {
      assertThat(segment).matches("[a-zA-Z0-9._-]+").isNotIn(".", "..");
    }
    assertThat(id.isMemberOf(id.trustDomain())).isTrue();
    assertThat(SpiffeId.parse(input)).isEqualTo(id).hasSameHashCodeAs(id);
    Lenient<SpiffeId> lenient = SpiffeId.parseLenient(input);
    assertThat(lenient.value()).isEqualTo(id);
    assertThat(lenient.normalizations()).isEmpty();
  }

  private static void lenientOrRefused(String input) {
    try {
      Lenient<SpiffeId> lenient = SpiffeId.parseLenient(input);
      SpiffeId id = lenient.value();
      assertThat(lenient.normalizations()).isNotEmpty(); // the strict parse refused it: something was repaired
      assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
      assertThat(SpiffeId.parseLenient(id.toString()).normalizations()).isEmpty();
    } catch (InvalidSpiffeIdException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      TrustDomain.parseLenient(input);
    } catch (InvalidSpiffeIdException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
