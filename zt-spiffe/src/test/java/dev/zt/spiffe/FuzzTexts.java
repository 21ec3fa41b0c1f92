package dev.zt.spiffe;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.charset.StandardCharsets;

/**
 * How the fuzz targets read text from Jazzer's input: the whole input as UTF-8, so a committed seed is the text
 * itself; an input that starts with the byte {@code 0xFE} (never valid UTF-8) is the rest read as UTF-16BE, which
 * reaches unpaired surrogates and every other {@code char} value.
 */
final class FuzzTexts {

  private FuzzTexts() {}

  static String of(FuzzedDataProvider data) {
    byte[] bytes = data.consumeRemainingAsBytes();
    if (bytes.length > 0 && (bytes[0] & 0xff) == 0xfe) {
      return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_16BE);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
