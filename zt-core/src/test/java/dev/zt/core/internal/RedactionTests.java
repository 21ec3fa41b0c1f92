package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTests {

  @Test
  void queryValuesWhenRedactedThenNamesStayAndEveryValueGoes() {
    assertThat(Redaction.queryValues("token=abc&flag&code=1%202&=x&"))
        .isEqualTo("token=<redacted>&flag&code=<redacted>&=<redacted>&");
    assertThat(Redaction.queryValues("")).isEmpty();
  }

  @Test
  void refererWhenRedactedThenOnlyItsOriginStays() {
    assertThat(Redaction.referer("https://app.example/reset?code=123")).isEqualTo("https://app.example/<redacted>");
    assertThat(Redaction.referer("https://user:pw@app.example:8443#x")).isEqualTo("https://app.example:8443/<redacted>");
    assertThat(Redaction.referer("/relative?token=1")).isEqualTo("<redacted>");
  }
}
