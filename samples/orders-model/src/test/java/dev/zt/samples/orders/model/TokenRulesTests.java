package dev.zt.samples.orders.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The token rules both samples read: values, defaults, and the refusals with their messages. */
class TokenRulesTests {

  @Test
  void readWhenNothingSetThenZtsDefaults() {
    TokenRules rules = TokenRules.read(Map.of());

    assertThat(rules).isEqualTo(new TokenRules(Optional.empty(), false, List.of(), Optional.empty()));
  }

  @Test
  void readWhenEverySetThenParsedAndStripped() {
    TokenRules rules = TokenRules.read(Map.of("ZT_MAX_TOKEN_LIFETIME", " 7200 ", "ZT_ACCESS_TOKEN_TYPE", "AT+JWT",
        "ZT_ALGORITHMS", "ES256, RS256", "ZT_ROLES_CLAIM", "realm_access.roles"));

    assertThat(rules.maxTokenLifetime()).contains(Duration.ofHours(2));
    assertThat(rules.requireAccessTokenType()).isTrue();
    assertThat(rules.algorithms()).containsExactly("ES256", "RS256");
    assertThat(rules.rolesClaim()).contains("realm_access.roles");
  }

  @Test
  void readWhenBlankThenUnset() {
    assertThat(TokenRules.read(Map.of("ZT_MAX_TOKEN_LIFETIME", " ", "ZT_ALGORITHMS", "")).maxTokenLifetime())
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ZT_MAX_TOKEN_LIFETIME|0|ZT_MAX_TOKEN_LIFETIME must be an ISO-8601 duration (PT2H) or seconds (7200), more than"
          + " zero, not '0'",
      "ZT_MAX_TOKEN_LIFETIME|-PT1H|ZT_MAX_TOKEN_LIFETIME must be an ISO-8601 duration (PT2H) or seconds (7200), more"
          + " than zero, not '-PT1H'",
      "ZT_ACCESS_TOKEN_TYPE|jwt|ZT_ACCESS_TOKEN_TYPE must be at+jwt (RFC 9068 explicit typing) or unset, not 'jwt'",
      "ZT_ALGORITHMS|HS256|ZT_ALGORITHMS: 'HS256' is not one of",
      "ZT_ALGORITHMS|'RS256,'|ZT_ALGORITHMS: '' is not one of",
      "ZT_ALGORITHMS|RS256,RS256|ZT_ALGORITHMS names RS256 twice",
      "ZT_ROLES_CLAIM|a..b|ZT_ROLES_CLAIM must be a claim name or a dotted path such as realm_access.roles, not 'a..b'",
  })
  void readWhenValueNotUnderstoodThenRefusedNamingTheVariable(String name, String value, String message) {
    assertThatThrownBy(() -> TokenRules.read(Map.of(name, value))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void readWhenValueHasControlCharactersThenTheMessageShowsThemAsQuestionMarks() {
    assertThatThrownBy(() -> TokenRules.read(Map.of("ZT_ROLES_CLAIM", "roles\u001b[31m")))
        .hasMessageEndingWith("not 'roles?[31m'");
  }
}
