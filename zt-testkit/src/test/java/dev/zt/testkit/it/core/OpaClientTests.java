package dev.zt.testkit.it.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.authz.OpaClient;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.testkit.pdp.FakeOpa;
import dev.zt.testkit.pdp.RecordedRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OPA Data API client against {@link FakeOpa}, an in-process server written to OPA's published contract: every
 * answer that is not a {@code 200} with a boolean {@code result} is a deny (false, undefined) or unavailable (all else),
 * never an allow.
 */
class OpaClientTests {

  private static final PdpInput ALICE_READS_HER_ORDER = PdpInput.of(Map.of(
      "caller", Map.of("sub", "alice", "roles", List.of("user")),
      "action", "read",
      "resource", Map.of("type", "order", "id", "42", "owner", "alice")));
  private static final PdpInput BOB_READS_ALICES_ORDER = PdpInput.of(Map.of(
      "caller", Map.of("sub", "bob"),
      "action", "read",
      "resource", Map.of("type", "order", "id", "42", "owner", "alice")));

  private FakeOpa opa;

  @BeforeEach
  void start() {
    opa = FakeOpa.start().allowWhen(in -> in.get("caller.sub").equals(in.get("resource.owner")));
  }

  @AfterEach
  void stop() {
    opa.close();
  }

  private OpaClient client() {
    return OpaClient.builder(opa.baseUri()).path("orders/allow").build();
  }

  private static PdpDecision decide(OpaClient client, PdpInput input) {
    CompletableFuture<PdpDecision> f = client.decide(input).toCompletableFuture();
    return f.join();
  }

  @Test
  void decideWhenResultTrueThenAllowsWithDecisionId() {
    PdpDecision d = decide(client(), ALICE_READS_HER_ORDER);

    assertThat(d).isInstanceOf(PdpDecision.Allow.class);
    assertThat(((PdpDecision.Allow) d).decisionId()).contains("fake-opa-1");
    RecordedRequest r = opa.lastRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/data/orders/allow");
    assertThat(r.query()).isEqualTo("provenance=true");
    assertThat(r.header("Content-Type")).contains("application/json");
    assertThat(r.json()).containsOnlyKeys("input");
    assertThat(r.body()).isEqualTo("{\"input\":" + ALICE_READS_HER_ORDER.canonicalJson() + "}");
  }

  @Test
  void decideWhenResultFalseThenDeniesResultFalse() {
    PdpDecision d = decide(client(), BOB_READS_ALICES_ORDER);

    assertThat(d).isInstanceOfSatisfying(PdpDecision.Deny.class, deny -> {
      assertThat(deny.why()).isEqualTo("result false");
      assertThat(deny.decisionId()).isPresent();
    });
  }

  @Test
  void decideWhenDecisionUndefinedThenDeniesUndefined() {
    opa.undefined();

    assertThat(decide(client(), ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Deny.class,
        deny -> assertThat(deny.why()).isEqualTo("undefined decision"));
  }

  @Test
  void decideWhenPolicyLeavesResultUndefinedThenDenies() {
    opa.policy(in -> FakeOpa.UNDEFINED);

    assertThat(decide(client(), ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Deny.class,
        deny -> assertThat(deny.why()).isEqualTo("undefined decision"));
  }

  @Test
  void decideWhenResultIsAnObjectThenUnavailable() {
    opa.result(Map.of("allow", true));

    assertThat(decide(client(), ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("an object, not a boolean").contains("orders/allow"));
  }

  @Test
  void decideWhenResultIsAStringOrNullOrNumberThenUnavailable() {
    OpaClient client = client();
    for (Object result : new Object[] {"true", null, 1L, List.of(true)}) {
      opa.result(result);
      assertThat(decide(client, ALICE_READS_HER_ORDER)).as("result %s", result)
          .isInstanceOf(PdpDecision.Unavailable.class);
    }
  }

  @Test
  void decideWhenServerErrorThenUnavailableWithRetryAfter() {
    opa.respondWith(500, "{\"code\":\"internal_error\"}");
    OpaClient client = OpaClient.builder(opa.baseUri()).path("orders/allow").retryAfter(Duration.ofSeconds(7))
        .build();

    assertThat(decide(client, ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Unavailable.class, u -> {
      assertThat(u.why()).contains("answered 500");
      assertThat(u.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    });
  }

  @Test
  void decideWhenClientErrorOrRedirectEvenWithResultTrueThenUnavailable() {
    OpaClient client = client();
    for (int status : new int[] {400, 404, 302, 201, 204}) {
      opa.respondWith(status, "{\"result\":true}");
      assertThat(decide(client, ALICE_READS_HER_ORDER)).as("status %d", status)
          .isInstanceOf(PdpDecision.Unavailable.class);
    }
  }

  @Test
  void decideWhenMalformedJsonThenUnavailable() {
    opa.malformed();

    assertThat(decide(client(), ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("not a JSON object"));
  }

  @Test
  void decideWhenAnswerHasDuplicateResultMembersThenUnavailable() {
    opa.respondWith(200, "{\"result\":false,\"result\":true}");

    assertThat(decide(client(), ALICE_READS_HER_ORDER)).isInstanceOf(PdpDecision.Unavailable.class);
  }

  @Test
  void decideWhenAnswerIsNotAnObjectOrNotJsonTypedThenUnavailable() {
    OpaClient client = client();
    opa.respondWith(200, "true");
    assertThat(decide(client, ALICE_READS_HER_ORDER)).isInstanceOf(PdpDecision.Unavailable.class);
    opa.respondWith(200, "text/html", "{\"result\":true}");
    assertThat(decide(client, ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("text/html"));
  }

  @Test
  void decideWhenAnswerLargerThan64KiBThenUnavailable() {
    opa.respondWith(200, "{\"result\":true,\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");

    assertThat(decide(client(), ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("larger than 65536 bytes"));
  }

  @Test
  void decideWhenServerNeverAnswersThenUnavailableAtTheDeadline() {
    opa.hang();
    OpaClient client = OpaClient.builder(opa.baseUri()).path("orders/allow").timeout(Duration.ofMillis(200))
        .build();

    CompletableFuture<PdpDecision> pending = client.decide(ALICE_READS_HER_ORDER).toCompletableFuture();

    assertThat(pending).as("the calling thread does not wait for the answer").isNotDone();
    assertThat(pending.join()).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("no answer within 200 ms"));
  }

  @Test
  void decideWhenConnectionRefusedThenUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OpaClient client = OpaClient.builder(URI.create("http://127.0.0.1:" + port)).path("orders/allow").build();

    assertThat(decide(client, ALICE_READS_HER_ORDER)).isInstanceOfSatisfying(PdpDecision.Unavailable.class,
        u -> assertThat(u.why()).contains("ConnectException"));
  }

  @Test
  void decideWhenBaseHasTrailingSlashThenPostsToTheSamePath() {
    OpaClient client = OpaClient.builder(URI.create(opa.baseUri() + "/")).path("orders/allow").build();

    assertThat(decide(client, ALICE_READS_HER_ORDER).allowed()).isTrue();
    assertThat(opa.lastRequest().path()).isEqualTo("/v1/data/orders/allow");
  }

  @Test
  void decideWhenBaseHasAPathPrefixThenDataApiBelowIt() {
    OpaClient client = OpaClient.builder(URI.create(opa.baseUri() + "/opa//")).path("orders/allow").build();

    decide(client, ALICE_READS_HER_ORDER);
    assertThat(opa.lastRequest().path()).isEqualTo("/opa/v1/data/orders/allow");
  }

  @Test
  void decideWhenBundlesCarryRevisionsThenRevisionIsTheirSortedPairs() {
    opa.bundleRevisions(Map.of("users", "u7", "authz", "a3"));

    PdpDecision d = decide(client(), ALICE_READS_HER_ORDER);

    assertThat(((PdpDecision.Allow) d).revision()).contains("authz=a3,users=u7");
  }

  @Test
  void decideWhenLegacyRevisionThenRevisionIsIt() {
    opa.revision("r42");

    assertThat(((PdpDecision.Deny) decide(client(), BOB_READS_ALICES_ORDER)).revision()).contains("r42");
  }

  @Test
  void decideWhenProvenanceOffThenNoQueryAndNoRevision() {
    opa.revision("r42");
    OpaClient client = OpaClient.builder(opa.baseUri()).path("orders/allow").provenance(false).build();

    assertThat(((PdpDecision.Allow) decide(client, ALICE_READS_HER_ORDER)).revision()).isEmpty();
    assertThat(opa.lastRequest().query()).isEmpty();
  }

  @Test
  void decideWhenHeaderConfiguredThenSentAndRedactedInToString() {
    OpaClient client = OpaClient.builder(opa.baseUri()).path("orders/allow")
        .header("Authorization", "Bearer opa-secret-token").build();

    decide(client, ALICE_READS_HER_ORDER);

    assertThat(opa.lastRequest().header("Authorization")).contains("Bearer opa-secret-token");
    assertThat(client.toString()).doesNotContain("opa-secret-token").contains("Authorization: <redacted>");
  }

  @Test
  void builderWhenPathInvalidThenRefused() {
    for (String path : new String[] {"", "/orders/allow", "orders/allow/", "orders//allow", "orders/../x",
        "orders/allow?x=1", "orders.allow", "orders/all ow"}) {
      assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).path(path)).as(path)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void builderWhenBaseUnsafeThenRefused() {
    for (String base : new String[] {"ftp://127.0.0.1:8181", "http://user:pw@127.0.0.1:8181",
        "http://127.0.0.1:8181?x=1", "http://127.0.0.1:8181#f", "/relative", "mailto:opa@example.com"}) {
      assertThatThrownBy(() -> OpaClient.builder(URI.create(base)).path("orders/allow").build()).as(base)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void builderWhenPlainHttpToARemoteHostThenRefusedUnlessAllowedByName() {
    assertThatThrownBy(() -> OpaClient.builder(URI.create("http://opa.internal:8181")).path("orders/allow").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("allowPlainHttp()");

    assertThat(OpaClient.builder(URI.create("http://opa.internal:8181")).path("orders/allow").allowPlainHttp()
        .build().uri()).hasToString("http://opa.internal:8181/v1/data/orders/allow?provenance=true");
    assertThat(OpaClient.builder(URI.create("https://opa.internal")).path("orders/allow").build().uri())
        .hasToString("https://opa.internal/v1/data/orders/allow?provenance=true");
  }

  @Test
  void builderWhenOptionSetTwiceOrPathMissingThenThrows() {
    assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).path("a").path("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).path("a").timeout(Duration.ofSeconds(1))
        .timeout(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).header("Content-Type", "text/plain"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OpaClient.builder(opa.baseUri()).header("X-Evil", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaultsWhenBuiltThenTwoSecondDeadlineAndNameNamesThePath() {
    OpaClient client = client();

    assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(client.name()).isEqualTo("opa:orders/allow");
    assertThat(Optional.of(client.toString())).get().asString().contains("/v1/data/orders/allow");
  }
}
