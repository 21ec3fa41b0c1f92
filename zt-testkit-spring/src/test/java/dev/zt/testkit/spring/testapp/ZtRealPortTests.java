package dev.zt.testkit.spring.testapp;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.spring.ZtTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.RequestEntity;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.client.RestClient;

/**
 * {@code .headers(zt()…)} against the application on a real port (Tomcat): WebTestClient, RestClient and
 * TestRestTemplate send real tokens over loopback; each accept path beside its deny paths.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ZtTest
class ZtRealPortTests {

  @Autowired WebTestClient client;
  @Autowired TestRestTemplate rest;
  @LocalServerPort int port;

  private HttpHeaders minted;

  @BeforeEach
  void mintInBeforeEach() {
    minted = new HttpHeaders();
    zt().scopes("orders:read").accept(minted);
  }

  @Test
  void webTestClientWhenScopeGrantedThenApplicationAnswers() {
    client.get().uri("/orders/1").headers(zt().scopes("orders:read")).exchange()
        .expectStatus().isOk().expectBody(String.class).isEqualTo("order 1");
  }

  @Test
  void webTestClientWhenScopeMissingThenForbidden() {
    client.get().uri("/orders/1").headers(zt().scopes("profile")).exchange().expectStatus().isForbidden();
  }

  @Test
  void webTestClientWhenAnonymousThenUnauthorized() {
    client.get().uri("/orders/1").exchange().expectStatus().isUnauthorized();
  }

  @Test
  void webTestClientWhenExpiredThenUnauthorized() {
    client.get().uri("/orders/1").headers(zt().scopes("orders:read").expired()).exchange()
        .expectStatus().isUnauthorized();
  }

  @Test
  void webTestClientWhenAnotherAudienceThenUnauthorized() {
    client.get().uri("/orders/1").headers(zt().scopes("orders:read").audience("payments-api")).exchange()
        .expectStatus().isUnauthorized();
  }

  @Test
  void webTestClientWhenAnotherIssuerThenUnauthorized() {
    client.get().uri("/orders/1").headers(zt().scopes("orders:read").issuer("https://issuer.example")).exchange()
        .expectStatus().isUnauthorized();
  }

  @Test
  void restClientWhenScopeMissingThenForbidden() {
    int status = RestClient.create("http://127.0.0.1:" + port).get().uri("/orders/1")
        .headers(zt().scopes("profile")).exchange((request, response) -> response.getStatusCode().value());
    assertThat(status).isEqualTo(403);
  }

  @Test
  void restClientWhenScopeGrantedThenApplicationAnswers() {
    String body = RestClient.create("http://127.0.0.1:" + port).get().uri("/orders/1")
        .headers(zt().scopes("orders:read")).retrieve().body(String.class);
    assertThat(body).isEqualTo("order 1");
  }

  @Test
  void testRestTemplateWhenRoleMissingThenForbidden() {
    var r = rest.exchange(RequestEntity.get("/admin").headers(zt().roles("user")).build(), String.class);
    assertThat(r.getStatusCode().value()).isEqualTo(403);
  }

  @Test
  void testRestTemplateWhenRoleGrantedThenApplicationAnswers() {
    var r = rest.exchange(RequestEntity.get("/admin").headers(zt().roles("admin")).build(), String.class);
    assertThat(r.getStatusCode().value()).isEqualTo(200);
  }

  @Test
  void headersWhenMintedInBeforeEachThenAccepted() {
    client.get().uri("/orders/1").headers(h -> h.addAll(minted)).exchange().expectStatus().isOk();
  }
}
