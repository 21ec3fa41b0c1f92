package dev.zt.testkit.spring.testapp;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.spring.ZtTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A {@code @WebMvcTest} slice of one controller loads zt (the starter lists its auto-configuration for
 * {@code @AutoConfigureMockMvc} slices): the slice's MockMvc refuses what the real application refuses.
 */
@WebMvcTest(OrdersController.class)
@ZtTest
class ZtWebMvcSliceTests {

  @Autowired MockMvc mvc;

  @Test
  void sliceWhenAnonymousThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1")).andExpect(status().isUnauthorized());
  }

  @Test
  void sliceWhenScopeMissingThenForbidden() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("profile"))).andExpect(status().isForbidden());
  }

  @Test
  void sliceWhenRouteNotInPolicyThenDenied() throws Exception {
    mvc.perform(get("/orders").with(zt().scopes("orders:read"))).andExpect(status().isForbidden());
  }

  @Test
  void sliceWhenScopeGrantedThenControllerAnswers() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read"))).andExpect(status().isOk());
  }
}
