package dev.zt.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether {@code zt.policy-reload} is on, read as {@link ZtProperties} binds it (so {@code true}, {@code on} and
 * {@code yes} mean the same there and here; a value that is not a boolean fails the start, naming the property).
 */
final class PolicyReload {

  private PolicyReload() {}

  static boolean on(ConditionContext context) {
    return Binder.get(context.getEnvironment()).bind("zt.policy-reload", Boolean.class).orElse(false);
  }

  static final class On extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return on(context) ? ConditionOutcome.match("zt.policy-reload is on") : ConditionOutcome.noMatch("zt.policy-reload is off");
    }
  }

  static final class Off extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return on(context) ? ConditionOutcome.noMatch("zt.policy-reload is on") : ConditionOutcome.match("zt.policy-reload is off");
    }
  }
}
