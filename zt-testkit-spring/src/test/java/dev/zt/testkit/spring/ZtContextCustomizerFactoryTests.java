package dev.zt.testkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestExecutionListener;

/**
 * The customizer acts on {@code @ZtTest} classes only (and classes nested in one), and is the same for all of them,
 * so Spring's context cache shares one application per configuration across test classes.
 */
class ZtContextCustomizerFactoryTests {

  @ZtTest
  static class First {}

  @ZtTest
  static class Second {}

  static class Plain {}

  @ZtTest
  static class Outer {
    @Nested
    class Inner {}
  }

  private final ZtContextCustomizerFactory factory = new ZtContextCustomizerFactory();

  @Test
  void createWhenNotZtTestThenNoCustomizer() {
    assertThat(factory.createContextCustomizer(Plain.class, List.of())).isNull();
  }

  @Test
  void createWhenTwoZtTestClassesThenEqualCustomizersForOneCachedContext() {
    var first = factory.createContextCustomizer(First.class, List.of());
    var second = factory.createContextCustomizer(Second.class, List.of());

    assertThat(first).isNotNull().isEqualTo(second).hasSameHashCodeAs(second);
  }

  @Test
  void createWhenNestedInZtTestClassThenCustomized() {
    assertThat(factory.createContextCustomizer(Outer.Inner.class, List.of())).isNotNull();
  }

  @Test
  void springFactoriesWhenLoadedThenRegisterTheFactoryAndTheListener() {
    SpringFactoriesLoader loader = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader());
    SpringFactoriesLoader.FailureHandler othersMayFail = (type, name, failure) -> {}; // e.g. listeners of absent libraries

    assertThat(loader.load(ContextCustomizerFactory.class, othersMayFail))
        .anyMatch(ZtContextCustomizerFactory.class::isInstance);
    assertThat(loader.load(TestExecutionListener.class, othersMayFail))
        .anyMatch(ZtTestExecutionListener.class::isInstance);
  }
}
