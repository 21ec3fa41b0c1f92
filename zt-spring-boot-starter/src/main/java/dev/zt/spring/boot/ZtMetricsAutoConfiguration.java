package dev.zt.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * zt's metrics where Boot users look: a {@link ZtTelemetry} whose OpenTelemetry meters are Micrometer counters in the
 * application's {@link MeterRegistry} ({@code /actuator/metrics/zt.decisions}, {@code zt_decisions_total} on
 * Prometheus). On when Micrometer and a registry are there; {@code zt.metrics.enabled=false} turns it off (zt then
 * records to {@code GlobalOpenTelemetry}, as without Boot).
 *
 * <p>Why Micrometer directly rather than an OpenTelemetry SDK read into Micrometer: no dependency beyond what every
 * actuator application has (the SDK's metrics module and a reader are about 0.6 MB more), one counter increment per
 * decision instead of an SDK aggregation plus a periodic copy, and values current at every scrape. OpenTelemetry stays
 * the source: zt's code records through its API only.
 *
 * @since 0.4
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    },
    before = ZtAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, OpenTelemetry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "zt.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ZtMetricsAutoConfiguration {

  /** Spring creates it. */
  public ZtMetricsAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  ZtTelemetry ztTelemetry(MeterRegistry registry, ObjectProvider<OpenTelemetry> openTelemetry) {
    return new ZtTelemetry(
        new MicrometerMeterProvider(registry), () -> openTelemetry.getIfUnique(GlobalOpenTelemetry::get));
  }
}
