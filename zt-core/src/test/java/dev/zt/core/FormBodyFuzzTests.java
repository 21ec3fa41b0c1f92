package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zt.core.internal.FuzzText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz targets for {@link FormBody}: the fields are exactly the body's {@code &}-separated pairs (nothing lost, nothing
 * invented, every byte above 0x7F kept as its escape), decoding is bounded by the raw length and never throws, and
 * the {@code Content-Type} check answers every value with a short printable reason or none.
 */
class FormBodyFuzzTests {

  @FuzzTest(maxDuration = "4m")
  void ofWhenFuzzedThenFieldsAreThePairsAndDecodingIsBounded(FuzzedDataProvider data) {
    byte[] bytes = data.consumeRemainingAsBytes();

    FormBody form = FormBody.of(bytes);

    List<FormBody.Field> expected = new ArrayList<>();
    for (String pair : escaped(bytes).split("&", -1)) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        expected.add(new FormBody.Field(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1)));
      }
    }
    assertThat(form.fields()).isEqualTo(expected);
    assertThat(form.length()).isEqualTo(bytes.length);
    for (FormBody.Field f : form.fields()) {
      String name = f.name();
      String value = f.value();
      assertThat(name.length()).isLessThanOrEqualTo(f.rawName().length());
      assertThat(value.length()).isLessThanOrEqualTo(f.rawValue().length());
      if (f.rawName().indexOf('%') < 0 && f.rawName().indexOf('+') < 0) {
        assertThat(name).isEqualTo(f.rawName());
      }
    }
    if (!form.fields().isEmpty()) {
      FormBody.Field first = form.fields().get(0);
      assertThat(form.firstValue(first.name())).isEqualTo(Optional.of(first.value()));
    }
    assertThat(form.toString()).matches("FormBody\\[\\d+ bytes, \\d+ fields\\]");
  }

  @FuzzTest(maxDuration = "4m")
  void uninspectableWhenContentTypeFuzzedThenShortPrintableReasonOrNone(FuzzedDataProvider data) {
    String contentType = FuzzText.of(data);

    Optional<String> why = FormBody.uninspectable(headers(contentType));

    why.ifPresent(reason -> assertThat(reason).matches("[\\x20-\\x7e]{1,64}"));
    // a charset the detector cannot read always refuses; one it reads never rescues a refused one
    assertThat(FormBody.uninspectable(headers(contentType + "; charset=utf-16"))).isPresent();
    if (why.isPresent()) {
      assertThat(FormBody.uninspectable(headers(contentType + "; charset=utf-8"))).isPresent();
    }
  }

  private static RequestHeaders headers(String contentType) {
    return RequestHeaders.of(Map.of("Content-Type", List.of(contentType)));
  }

  /** The body as the form sees it: ASCII bytes as characters, every other byte as its upper-case %XX escape. */
  private static String escaped(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      s.append(c < 0x80 ? String.valueOf((char) c) : String.format("%%%02X", c));
    }
    return s.toString();
  }
}
