package dev.zt.spring.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An OpenTelemetry {@link MeterProvider} whose counters are Micrometer counters in the application's
 * {@link MeterRegistry}: zt keeps recording through the OpenTelemetry API (its only instrumentation), and each
 * {@code add} increments a Micrometer {@link Counter} at once (no SDK, no second aggregation, no export interval).
 * The instrument's name and description carry over; each attribute becomes a tag. zt records counters only; every
 * other instrument is OpenTelemetry's no-op.
 */
final class MicrometerMeterProvider implements MeterProvider {

  private static final Meter NOOP = MeterProvider.noop().get("dev.zt");

  private final MeterRegistry registry;

  MicrometerMeterProvider(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    return new MeterBuilder() {
      @Override
      public MeterBuilder setSchemaUrl(String schemaUrl) {
        return this;
      }

      @Override
      public MeterBuilder setInstrumentationVersion(String version) {
        return this;
      }

      @Override
      public Meter build() {
        return new CountersMeter();
      }
    };
  }

  private final class CountersMeter implements Meter {
    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return new CounterBuilder(name);
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return NOOP.upDownCounterBuilder(name);
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return NOOP.histogramBuilder(name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return NOOP.gaugeBuilder(name);
    }
  }

  private final class CounterBuilder implements LongCounterBuilder {
    private final String name;
    private String description;

    CounterBuilder(String name) {
      this.name = name;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      this.description = description;
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      return this; // OpenTelemetry's "{decision}" annotations are not units: Micrometer would append them to names
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      return NOOP.counterBuilder(name).ofDoubles();
    }

    @Override
    public LongCounter build() {
      return new MicrometerCounter(registry, name, description);
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return NOOP.counterBuilder(name).buildWithCallback(callback);
    }
  }

  /** One OpenTelemetry counter: a Micrometer counter per attribute set, looked up once per set. */
  private static final class MicrometerCounter implements LongCounter {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<Attributes, Counter> counters = new ConcurrentHashMap<>();

    MicrometerCounter(MeterRegistry registry, String name, String description) {
      this.registry = registry;
      this.name = name;
      this.description = description;
    }

    @Override
    public void add(long value) {
      add(value, Attributes.empty());
    }

    @Override
    public void add(long value, Attributes attributes) {
      if (value < 0) {
        return; // a counter only grows (as OpenTelemetry's SDK, which drops negative values)
      }
      counters.computeIfAbsent(attributes, this::counter).increment(value);
    }

    @Override
    public void add(long value, Attributes attributes, Context context) {
      add(value, attributes);
    }

    private Counter counter(Attributes attributes) {
      List<Tag> tags = new ArrayList<>(attributes.size());
      attributes.forEach((key, v) -> tags.add(Tag.of(key.getKey(), String.valueOf(v))));
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }
  }
}
