package dev.zt.spring.boot;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@link OpenTelemetry} zt's enforcer records to in a Spring Boot application with a Micrometer
 * {@code MeterRegistry}: zt's counters ({@code zt.decisions} by decision, gate, reason and rule; {@code zt.verdicts},
 * {@code zt.actions}, {@code zt.shadows}) go to that registry, so they appear in {@code /actuator/metrics} and on
 * every registry Boot exports to (Prometheus, OTLP, …); traces, propagation and logs stay with the application's
 * OpenTelemetry (its bean, else {@code GlobalOpenTelemetry}, asked at each use rather than fixed at start). An application that builds its own {@code Enforcer}
 * passes {@link #openTelemetry()} to {@code Enforcer.Builder.openTelemetry}.
 *
 * @since 0.4
 */
public final class ZtTelemetry {

  private final OpenTelemetry openTelemetry;

  ZtTelemetry(MeterProvider meters, Supplier<OpenTelemetry> rest) {
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(rest, "rest");
    this.openTelemetry =
        new OpenTelemetry() {
          @Override
          public TracerProvider getTracerProvider() {
            return rest.get().getTracerProvider();
          }

          @Override
          public MeterProvider getMeterProvider() {
            return meters;
          }

          @Override
          public LoggerProvider getLogsBridge() {
            return rest.get().getLogsBridge();
          }

          @Override
          public ContextPropagators getPropagators() {
            return rest.get().getPropagators();
          }
        };
  }

  /** The OpenTelemetry to hand to {@code Enforcer.Builder.openTelemetry}: metrics to Micrometer, the rest as is. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }
}
