package dev.zt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Caller;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TestCallersTests {

  @Test
  void userWhenScopesAndRolesGivenThenCallerHasThemAndNothingElse() {
    Caller alice = TestCallers.user("alice").scopes("orders:read", "orders:write").roles("buyer").build();

    assertThat(alice.isAuthenticated()).isTrue();
    assertThat(alice.subject()).contains("alice");
    assertThat(alice.getName()).isNotBlank();
    assertThat(alice.scopes()).containsExactlyInAnyOrder("orders:read", "orders:write");
    assertThat(alice.roles()).containsExactly("buyer");
    assertThat(alice.hasScope("orders:read")).isTrue();
    assertThat(alice.hasScope("orders:delete")).isFalse();
    assertThat(alice.hasRole("admin")).isFalse();
    assertThat(alice.workload()).isEmpty();
  }

  @Test
  void userWhenNothingGivenThenCallerHasNoScopesOrRoles() {
    Caller bob = TestCallers.user("bob").build();

    assertThat(bob.subject()).contains("bob");
    assertThat(bob.scopes()).isEmpty();
    assertThat(bob.roles()).isEmpty();
  }

  @Test
  void userWhenClaimAndClientIdGivenThenTheVerifiedTokenCarriesThem() {
    Caller carol = TestCallers.user("carol").clientId("web").claim("tenant", "acme").build();

    assertThat(carol.clientId()).contains("web");
    assertThat(carol.token()).hasValueSatisfying(t -> assertThat(t.claim("tenant")).contains("acme"));
  }

  @Test
  void userWhenBuiltManyTimesThenNeverRateLimitedOrRefused() {
    assertThat(IntStream.range(0, 300).mapToObj(i -> TestCallers.user("alice").scopes("a").build()))
        .allSatisfy(c -> assertThat(c.subject()).contains("alice"));
  }

  @Test
  void anonymousWhenAskedThenNotAuthenticated() {
    assertThat(TestCallers.anonymous().isAuthenticated()).isFalse();
  }

  @Test
  void userWhenReservedClaimGivenThenThrows() {
    assertThatThrownBy(() -> TestCallers.user("alice").claim("sub", "admin"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sub");
    assertThatThrownBy(() -> TestCallers.user("alice").claim("roles", "admin"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roles");
  }

  @Test
  void userWhenOptionSetTwiceThenThrowsNamingIt() {
    assertThatThrownBy(() -> TestCallers.user("alice").scopes("a").scopes("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("scopes");
    assertThatThrownBy(() -> TestCallers.user("alice").roles("a").roles("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("roles");
    assertThatThrownBy(() -> TestCallers.user("alice").claim("t", 1).claim("t", 2))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("t");
  }

  @Test
  void userWhenBlankSubjectOrScopeWithSpaceThenThrows() {
    assertThatThrownBy(() -> TestCallers.user(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TestCallers.user("alice").scopes("a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace");
  }
}
