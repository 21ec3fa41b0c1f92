package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The enforcer zt's filters ask on each request: a fixed one (the application's {@code Enforcer} bean, or the one
 * zt built at start) or the current one of a followed policy file ({@code LivePolicy}, with {@code zt.policy-reload}).
 */
final class ZtEnforcers implements Supplier<Enforcer> {

  private final Supplier<Enforcer> source;

  ZtEnforcers(Supplier<Enforcer> source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public Enforcer get() {
    return source.get();
  }
}
