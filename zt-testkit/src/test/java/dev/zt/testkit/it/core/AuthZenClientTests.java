package dev.zt.testkit.it.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.authz.AuthZenClient;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.testkit.pdp.FakeAuthZen;
import dev.zt.testkit.pdp.RecordedRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AuthZEN Authorization API 1.0 client against {@link FakeAuthZen}, an in-process server written to the
 * published contract (§6 evaluation, §7 evaluations, §10.1 HTTPS JSON binding).
 */
class AuthZenClientTests {

  private static PdpInput read(String sub, String owner, String id) {
    return PdpInput.of(Map.of(
        "caller", Map.of("sub", sub, "roles", List.of("user")),
        "action", "read",
        "resource", Map.of("type", "order", "id", id, "owner", owner),
        "request", Map.of("method", "GET", "path", "/orders/" + id),
        "trust", "high"));
  }

  private FakeAuthZen pdp;

  @BeforeEach
  void start() {
    pdp = FakeAuthZen.start()
        .allowWhen(in -> in.get("subject.id").equals(in.get("resource.properties.owner")));
  }

  @AfterEach
  void stop() {
    pdp.close();
  }

  private AuthZenClient client() {
    return AuthZenClient.builder(pdp.baseUri()).build();
  }

  private static PdpDecision decide(AuthZenClient client, PdpInput input) {
    return client.decide(input).toCompletableFuture().join();
  }

  @Test
  void decideWhenDecisionTrueThenAllowsAndSendsTheInformationModel() {
    PdpDecision d = decide(client(), read("alice", "alice", "42"));

    assertThat(d.allowed()).isTrue();
    RecordedRequest r = pdp.lastRequest();
    assertThat(r.path()).isEqualTo("/access/v1/evaluation");
    assertThat(r.header("Content-Type")).contains("application/json");
    assertThat(r.json()).isEqualTo(Map.of(
        "subject", Map.of("type", "user", "id", "alice", "properties", Map.of("roles", List.of("user"))),
        "action", Map.of("name", "read"),
        "resource", Map.of("type", "order", "id", "42", "properties", Map.of("owner", "alice")),
        "context", Map.of("request", Map.of("method", "GET", "path", "/orders/42"), "trust", "high")));
  }

  @Test
  void decideWhenRequestIdSentThenItIsTheDecisionId() {
    PdpDecision.Allow d = (PdpDecision.Allow) decide(client(), read("alice", "alice", "42"));

    String sent = pdp.lastRequest().header("X-Request-ID").orElseThrow();
    assertThat(d.decisionId()).contains(sent);
  }

  @Test
  void decideWhenAnswerEchoesAnotherRequestIdThenUnavailable() {
    pdp.echoRequestId("someone-elses");

    assertThat(decide(client(), read("alice", "alice", "42"))).isInstanceOfSatisfying(
        PdpDecision.Unavailable.class, u -> assertThat(u.why()).contains("X-Request-ID"));
  }

  @Test
  void decideWhenDecisionFalseThenDeniesWithTheReason() {
    assertThat(decide(client(), read("bob", "alice", "42"))).isInstanceOfSatisfying(PdpDecision.Deny.class,
        deny -> assertThat(deny.why()).isEqualTo("decision false"));

    pdp.respondWith(200, "{\"decision\":false,\"context\":{\"reason\":\"not the owner\"}}");
    assertThat(decide(client(), read("bob", "alice", "42"))).isInstanceOfSatisfying(PdpDecision.Deny.class,
        deny -> assertThat(deny.why()).isEqualTo("decision false: not the owner"));
  }

  @Test
  void decideWhenDecisionMissingOrNotBooleanThenUnavailable() {
    AuthZenClient client = client();
    pdp.respondWith(200, "{}");
    assertThat(decide(client, read("alice", "alice", "42"))).isInstanceOf(PdpDecision.Unavailable.class);
    for (Object value : new Object[] {"true", 1L, Map.of("allow", true), null}) {
      pdp.result(value);
      assertThat(decide(client, read("alice", "alice", "42"))).as("decision %s", value)
          .isInstanceOf(PdpDecision.Unavailable.class);
    }
  }

  @Test
  void decideWhenErrorStatusEvenWithDecisionTrueThenUnavailable() {
    AuthZenClient client = client();
    for (int status : new int[] {400, 401, 403, 500, 503}) {
      pdp.respondWith(status, "{\"decision\":true}");
      assertThat(decide(client, read("alice", "alice", "42"))).as("status %d", status)
          .isInstanceOfSatisfying(PdpDecision.Unavailable.class,
              u -> assertThat(u.why()).contains("answered " + status));
    }
  }

  @Test
  void decideWhenMalformedOrTooLargeThenUnavailable() {
    AuthZenClient client = client();
    pdp.malformed();
    assertThat(decide(client, read("alice", "alice", "42"))).isInstanceOf(PdpDecision.Unavailable.class);
    pdp.respondWith(200, "{\"decision\":true,\"context\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}");
    assertThat(decide(client, read("alice", "alice", "42"))).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("larger than"));
  }

  @Test
  void decideWhenServerNeverAnswersThenUnavailableAtTheDeadline() {
    pdp.hang();
    AuthZenClient client = AuthZenClient.builder(pdp.baseUri()).timeout(Duration.ofMillis(200)).build();

    assertThat(decide(client, read("alice", "alice", "42"))).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("no answer within 200 ms"));
  }

  @Test
  void decideWhenConnectionRefusedThenUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    AuthZenClient client = AuthZenClient.builder(URI.create("http://127.0.0.1:" + port + "/")).build();

    assertThat(decide(client, read("alice", "alice", "42"))).isInstanceOf(PdpDecision.Unavailable.class);
  }

  @Test
  void decideWhenBaseHasTrailingSlashThenSpecDefaultPath() {
    AuthZenClient client = AuthZenClient.builder(URI.create(pdp.baseUri() + "/")).build();

    decide(client, read("alice", "alice", "42"));

    assertThat(pdp.lastRequest().path()).isEqualTo("/access/v1/evaluation");
  }

  @Test
  void decideWhenOnlyAWorkloadThenSubjectIsTheWorkload() {
    PdpInput input = PdpInput.of(Map.of("caller", Map.of("workload", "spiffe://example.org/billing"),
        "action", "read", "resource", Map.of("type", "order", "id", "42")));

    decide(client(), input);

    assertThat(pdp.lastRequest().json().get("subject"))
        .isEqualTo(Map.of("type", "workload", "id", "spiffe://example.org/billing"));
  }

  @Test
  void decideWhenNoResourceThenTheRouteIsTheResource() {
    PdpInput input = PdpInput.of(Map.of("caller", Map.of("sub", "alice"), "action", "read",
        "request", Map.of("method", "GET", "path", "/orders")));

    decide(client(), input);

    assertThat(pdp.lastRequest().json().get("resource")).isEqualTo(Map.of("type", "route", "id", "/orders"));
  }

  @Test
  void decideWhenNoSubjectOrNoActionThenUnavailableWithoutACall() {
    AuthZenClient client = client();
    PdpInput anonymous = PdpInput.of(Map.of("action", "read", "resource", Map.of("type", "order", "id", "1")));
    PdpInput noAction = PdpInput.of(Map.of("caller", Map.of("sub", "a"), "resource",
        Map.of("type", "order", "id", "1")));

    assertThat(decide(client, anonymous)).isInstanceOf(PdpDecision.Unavailable.class);
    assertThat(decide(client, noAction)).isInstanceOf(PdpDecision.Unavailable.class);
    assertThat(pdp.requestCount()).isZero();
  }

  @Test
  void decideWhenRevisionSourceConfiguredThenDecisionCarriesIt() {
    AtomicReference<String> revision = new AtomicReference<>("v1");
    AuthZenClient client = AuthZenClient.builder(pdp.baseUri())
        .revision(() -> Optional.ofNullable(revision.get())).build();

    assertThat(((PdpDecision.Allow) decide(client, read("alice", "alice", "42"))).revision()).contains("v1");
    revision.set("v2");
    assertThat(((PdpDecision.Deny) decide(client, read("bob", "alice", "42"))).revision()).contains("v2");
  }

  @Test
  void decideAllWhenSeveralThenOneCallWithDefaultsAndPositionalDecisions() {
    List<PdpDecision> ds = client().decideAll(List.of(read("alice", "alice", "1"), read("alice", "bob", "2"),
        read("alice", "alice", "3"))).toCompletableFuture().join();

    assertThat(ds).extracting(PdpDecision::allowed).containsExactly(true, false, true);
    assertThat(pdp.requestCount()).isEqualTo(1);
    RecordedRequest r = pdp.lastRequest();
    assertThat(r.path()).isEqualTo("/access/v1/evaluations");
    Map<String, Object> body = r.json();
    assertThat(body).containsKeys("subject", "action", "evaluations").doesNotContainKey("resource");
    assertThat((List<?>) body.get("evaluations")).hasSize(3)
        .allSatisfy(e -> {
          assertThat(((Map<?, ?>) e).containsKey("resource")).isTrue();
          assertThat(((Map<?, ?>) e).containsKey("subject")).isFalse();
        });
  }

  @Test
  void decideAllWhenCountMismatchThenEveryDecisionUnavailable() {
    pdp.dropLastEvaluation();

    List<PdpDecision> ds = client().decideAll(List.of(read("alice", "alice", "1"), read("alice", "alice", "2")))
        .toCompletableFuture().join();

    assertThat(ds).hasSize(2).allSatisfy(d -> assertThat(d).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("1 decisions for 2 evaluations")));
  }

  @Test
  void decideAllWhenOneInputHasNoSubjectThenOnlyItUnavailableAndTheOthersAsked() {
    PdpInput anonymous = PdpInput.of(Map.of("action", "read", "resource", Map.of("type", "order", "id", "1")));

    List<PdpDecision> ds = client().decideAll(List.of(read("alice", "alice", "1"), anonymous,
        read("alice", "bob", "2"))).toCompletableFuture().join();

    assertThat(ds.get(0).allowed()).isTrue();
    assertThat(ds.get(1)).isInstanceOf(PdpDecision.Unavailable.class);
    assertThat(ds.get(2)).isInstanceOf(PdpDecision.Deny.class);
    assertThat((List<?>) pdp.lastRequest().json().get("evaluations")).hasSize(2);
  }

  @Test
  void decideAllWhenOneDecisionNotBooleanThenOnlyThatOneUnavailable() {
    pdp.respondWith(200, "{\"evaluations\":[{\"decision\":true},{\"decision\":\"yes\"}]}");

    List<PdpDecision> ds = client().decideAll(List.of(read("alice", "alice", "1"), read("alice", "alice", "2")))
        .toCompletableFuture().join();

    assertThat(ds.get(0).allowed()).isTrue();
    assertThat(ds.get(1)).isInstanceOf(PdpDecision.Unavailable.class);
  }

  @Test
  void decideAllWhenServerErrorOrEmptyThenUnavailableForAllOrNoCall() {
    pdp.respondWith(500, "\"down\"");
    assertThat(client().decideAll(List.of(read("a", "a", "1"), read("a", "a", "2"))).toCompletableFuture().join())
        .hasSize(2).allMatch(d -> d instanceof PdpDecision.Unavailable);

    int before = pdp.requestCount();
    assertThat(client().decideAll(List.of()).toCompletableFuture().join()).isEmpty();
    assertThat(pdp.requestCount()).isEqualTo(before);
  }

  @Test
  void builderWhenHeaderIsRequestIdOrSetTwiceThenRefusedAndSecretsRedacted() {
    assertThatThrownBy(() -> AuthZenClient.builder(pdp.baseUri()).header("X-Request-ID", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuthZenClient.builder(pdp.baseUri()).header("Authorization", "a")
        .header("authorization", "b")).isInstanceOf(IllegalStateException.class);
    AuthZenClient client = AuthZenClient.builder(pdp.baseUri()).header("Authorization", "Bearer pdp-secret").build();
    decide(client, read("alice", "alice", "42"));
    assertThat(pdp.lastRequest().header("Authorization")).contains("Bearer pdp-secret");
    assertThat(client.toString()).doesNotContain("pdp-secret");
  }
}
