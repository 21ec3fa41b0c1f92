package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** zt's filters come before Boot's filters that read a form body or change the method, on either Boot line. */
class ZtFiltersTests {

  @Test
  void orderWhenComparedWithBootsFormFiltersThenZtComesFirst() {
    assertThat(ZtFilters.ORDER)
        .isLessThan(BootFilterOrders.HIDDEN_HTTP_METHOD_FILTER)
        .isLessThan(BootFilterOrders.FORM_CONTENT_FILTER)
        .isLessThan(BootFilterOrders.REQUEST_WRAPPER_FILTER_MAX_ORDER);
    assertThat(ZtFilters.errors().getOrder()).isEqualTo(ZtFilters.ORDER);
  }
}
