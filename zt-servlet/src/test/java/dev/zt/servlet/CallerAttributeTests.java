package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Caller;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import org.junit.jupiter.api.Test;

class CallerAttributeTests {

  @Retention(RetentionPolicy.RUNTIME)
  @interface Attribute {
    String value();
  }

  /** Compiles only while the attribute's name is a compile-time constant, as Spring's annotations need. */
  @Attribute(ZeroTrustFilter.CALLER_ATTRIBUTE)
  static void handler() {
  }

  @Test
  void callerAttributeWhenUsedInAnnotationThenIsTheCallerClassName() throws Exception {
    Attribute used = CallerAttributeTests.class.getDeclaredMethod("handler").getAnnotation(Attribute.class);

    assertThat(used.value()).isEqualTo(Caller.class.getName()).isEqualTo(ZeroTrustFilter.CALLER_ATTRIBUTE);
  }
}
