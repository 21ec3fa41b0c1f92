package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import org.junit.jupiter.api.Test;

/** OpenTelemetry counters recorded into a Micrometer registry. */
class MicrometerMeterProviderTests {

  private static final AttributeKey<String> REASON = AttributeKey.stringKey("zt.reason");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LongCounter counter =
      new MicrometerMeterProvider(registry).get("dev.zt").counterBuilder("zt.decisions").setDescription("d")
          .setUnit("{decision}").build();

  @Test
  void addWhenAttributesThenMicrometerCounterPerAttributeSetWithTags() {
    counter.add(1, Attributes.of(REASON, "TOKEN_EXPIRED"));
    counter.add(2, Attributes.of(REASON, "TOKEN_EXPIRED"));
    counter.add(1, Attributes.of(REASON, "ALLOWED"));

    assertThat(registry.get("zt.decisions").tag("zt.reason", "TOKEN_EXPIRED").counter().count()).isEqualTo(3.0);
    assertThat(registry.get("zt.decisions").tag("zt.reason", "ALLOWED").counter().count()).isEqualTo(1.0);
    Counter c = registry.get("zt.decisions").tag("zt.reason", "ALLOWED").counter();
    assertThat(c.getId().getDescription()).isEqualTo("d");
    assertThat(c.getId().getBaseUnit()).isNull();
  }

  @Test
  void addWhenNegativeThenIgnored() {
    counter.add(1, Attributes.of(REASON, "ALLOWED"));
    counter.add(-5, Attributes.of(REASON, "ALLOWED"));

    assertThat(registry.get("zt.decisions").counter().count()).isEqualTo(1.0);
  }

  @Test
  void otherInstrumentsWhenBuiltThenNoOpAndNothingRegistered() {
    new MicrometerMeterProvider(registry).get("dev.zt").histogramBuilder("h").build().record(1.0);

    assertThat(registry.getMeters()).isEmpty();
  }
}
