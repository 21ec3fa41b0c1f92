package dev.zt.spring.boot;

import org.springframework.boot.servlet.filter.OrderedFilter;
import org.springframework.boot.servlet.filter.OrderedFormContentFilter;
import org.springframework.boot.servlet.filter.OrderedHiddenHttpMethodFilter;

/**
 * Spring Boot 4.0's filter orders, which the shared sources use to place zt's filters: Boot 4.0 keeps its ordered
 * filters in {@code org.springframework.boot.servlet.filter} (module {@code spring-boot-servlet}; Boot 3.5 had them in
 * {@code org.springframework.boot.web.servlet.filter}, and the Boot 3.5 starter has its own copy of this class with
 * those imports). Boot-line glue only: constants, no behaviour.
 */
final class BootFilterOrders {

  /** Filters that wrap the request are ordered at or below this ({@code 0}). */
  static final int REQUEST_WRAPPER_FILTER_MAX_ORDER = OrderedFilter.REQUEST_WRAPPER_FILTER_MAX_ORDER;

  /** {@code HiddenHttpMethodFilter}: reads a POST form and changes the method ({@code -10000}). */
  static final int HIDDEN_HTTP_METHOD_FILTER = OrderedHiddenHttpMethodFilter.DEFAULT_ORDER;

  /** {@code FormContentFilter}: reads PUT, PATCH and DELETE form bodies ({@code -9900}). */
  static final int FORM_CONTENT_FILTER = OrderedFormContentFilter.DEFAULT_ORDER;

  private BootFilterOrders() {}
}
