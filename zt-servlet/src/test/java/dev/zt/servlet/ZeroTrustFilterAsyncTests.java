package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ZeroTrustFilter} reports the answers of applications that go asynchronous ({@code startAsync}: a proxy
 * servlet, a reply written from another thread) to zt's outcome detectors when the async cycle completes, once per
 * request, in Jetty 12 and Tomcat. The reports are read where the enumeration detector counts them (its state store,
 * {@code detect.enumeration}), and the detector's verdict where it acts ({@link Enforcer#countermeasures()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZeroTrustFilterAsyncTests {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int DISTINCT_PATHS = 3;

  private final TestClock clock = TestClock.create();
  private final CountingState state = new CountingState();
  private final ExecutorService replies = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "async-replies");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger subjects = new AtomicInteger();
  private TestIssuer issuer;
  private Enforcer enforcer;
  private ServerHandle jetty;
  private ServerHandle tomcat;

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.start(clock);
    enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/async/{**}", Requirement.authenticated())
            .get("/sync/{**}", Requirement.authenticated())
            .get("/async-error/{**}", Requirement.authenticated())
            .get("/async-timeout/{**}", Requirement.authenticated())
            .get("/async-broken/{**}", Requirement.authenticated())
            .build())
        .detection(Detection.defaults().withEnumeration(DISTINCT_PATHS, 0.5, Duration.ofMinutes(5)))
        .state(state)
        .clock(clock)
        .openTelemetry(OpenTelemetry.noop())
        .build();
    List<Containers.Mapped> servlets = List.of(
        new Containers.Mapped("async", List.of("/async/*"),
            new OnAnotherThread(replies, ZeroTrustFilterAsyncTests::answerAndComplete)),
        new Containers.Mapped("sync", List.of("/sync/*"), new SyncReply()),
        new Containers.Mapped("async-error", List.of("/async-error/*"), // the container's error handling answers
            new OnAnotherThread(replies, async -> async.dispatch("/boom"))),
        new Containers.Mapped("boom", List.of("/boom"), new Boom()),
        new Containers.Mapped("async-broken", List.of("/async-broken/*"),
            new OnAnotherThread(replies, ZeroTrustFilterAsyncTests::breakAfterTheHead)),
        new Containers.Mapped("async-timeout", List.of("/async-timeout/*"), new AsyncTimeout()));
    jetty = Containers.jetty(enforcer, "", servlets);
    tomcat = Containers.tomcat(enforcer, "", servlets);
  }

  @AfterAll
  void stop() {
    jetty.close();
    tomcat.close();
    issuer.close();
    replies.shutdownNow();
  }

  Stream<String> containers() {
    return Stream.of("jetty", "tomcat");
  }

  private ServerHandle server(String name) {
    return name.equals("jetty") ? jetty : tomcat;
  }

  /** A caller of its own, so tests do not count into each other's walks: its token and its identity. */
  private record Walker(String token, String identity) {}

  private Walker newCaller() {
    String subject = "walker-" + subjects.incrementAndGet();
    return new Walker(issuer.token().subject(subject).build(), "sub:" + subject);
  }

  private static int get(ServerHandle server, String target, Walker walker) {
    return new RawHttp(server.port()).get(target).header("Authorization", "Bearer " + walker.token()).send()
        .status();
  }

  @ParameterizedTest
  @MethodSource("containers")
  void doFilterWhenAnAsyncServletAnswers404sFromAnotherThreadThenTheEnumerationDetectorActs(String container)
      throws Exception {
    ServerHandle server = server(container);
    Walker walker = newCaller();
    for (int i = 0; i < DISTINCT_PATHS; i++) {
      assertThat(get(server, "/async/missing-" + i, walker)).isEqualTo(404);
    }
    state.awaitReports(walker.identity(), DISTINCT_PATHS);
    assertThat(state.awaitThrottle()).as("the enumeration verdict acts on the caller")
        .contains("enumeration.identity → " + walker.identity());
  }

  @ParameterizedTest
  @MethodSource("containers")
  void doFilterWhenAnAsyncServletAnswersThenEachRequestIsReportedOnce(String container) throws Exception {
    ServerHandle server = server(container);
    Walker walker = newCaller();
    assertThat(get(server, "/async/missing-a", walker)).isEqualTo(404);
    assertThat(get(server, "/async/found", walker)).isEqualTo(200);
    assertThat(get(server, "/async/found", walker)).isEqualTo(200);
    state.awaitReports(walker.identity(), 3);
    // a marker after them: a second report of any of the three would have come with its completion, before this
    assertThat(get(server, "/async/missing-b", walker)).isEqualTo(404);
    state.awaitReports(walker.identity(), 4);
    assertThat(state.reportsOf(walker.identity())).as("one report per request, each when its answer completed")
        .containsExactlyInAnyOrder("404", "2xx", "2xx", "404");
  }

  @ParameterizedTest
  @MethodSource("containers")
  void doFilterWhenTheServletAnswersSynchronouslyThenItIsReportedOnceAsBefore(String container) throws Exception {
    ServerHandle server = server(container);
    Walker walker = newCaller();
    assertThat(get(server, "/sync/missing", walker)).isEqualTo(404);
    assertThat(get(server, "/sync/found", walker)).isEqualTo(200);
    state.awaitReports(walker.identity(), 2);
    assertThat(get(server, "/sync/missing-b", walker)).isEqualTo(404);
    state.awaitReports(walker.identity(), 3);
    assertThat(state.reportsOf(walker.identity())).containsExactlyInAnyOrder("404", "2xx", "404");
  }

  @ParameterizedTest
  @MethodSource("containers")
  void doFilterWhenTheAsyncCycleFailsThenItIsNeverReportedAsASuccess(String container) throws Exception {
    ServerHandle server = server(container);
    Walker walker = newCaller();
    assertThat(get(server, "/async/missing-a", walker)).isEqualTo(404);
    state.awaitReports(walker.identity(), 1);
    assertThat(get(server, "/async-error/x", walker)).isEqualTo(500);
    assertThat(get(server, "/async-timeout/x", walker)).isEqualTo(500);
    try {
      get(server, "/async-broken/x", walker); // 200 sent, then the cycle fails: the body never ends
    } catch (java.io.UncheckedIOException cut) {
      // the container cut the connection: what the client sees does not matter here
    }
    // a marker after them: a failed cycle reported as a success would have been counted with its completion
    assertThat(get(server, "/async/missing-b", walker)).isEqualTo(404);
    state.awaitReports(walker.identity(), 2);
    assertThat(state.reportsOf(walker.identity())).as("an error, a timeout, a failure after the head: no success")
        .containsExactly("404", "404");
  }

  @ParameterizedTest
  @MethodSource("containers")
  void doFilterWhenAnAsyncTimeoutIsAnsweredByTheApplicationThenThatAnswerIsReported(String container)
      throws Exception {
    ServerHandle server = server(container);
    Walker walker = newCaller();
    assertThat(get(server, "/async-timeout/answered", walker)).isEqualTo(404);
    state.awaitReports(walker.identity(), 1);
    assertThat(state.reportsOf(walker.identity())).containsExactly("404");
  }

  @Test
  void onCompleteWhenTheCycleFailedAfterASuccessHeadThenNoSuccessIsReported() throws Exception {
    Walker walker = newCaller();
    RequestContext request = TestRequest.get("/async/x").bearer(walker.token()).clock(clock).build();
    Decision allow = enforcer.enforce(request).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(allow).isInstanceOf(Decision.Allow.class);
    AnswerReport missed = new AnswerReport(enforcer, request, allow, answered(404));
    missed.onComplete(null); // counting starts: every answer of this identity is seen from here on
    AnswerReport broken = new AnswerReport(enforcer, request, allow, answered(200));
    broken.onError(null); // e.g. the upstream reset after the 200 head went out
    broken.onComplete(null);
    AnswerReport fine = new AnswerReport(enforcer, request, allow, answered(200));
    fine.onComplete(null);
    fine.onComplete(null); // a container (or a second registration) telling twice
    assertThat(state.reportsOf(walker.identity())).as("a failed cycle is no success; one report per request")
        .containsExactly("404", "2xx");
  }

  /** A response that only tells its status (all a report reads). */
  private static HttpServletResponse answered(int status) {
    return (HttpServletResponse) java.lang.reflect.Proxy.newProxyInstance(HttpServletResponse.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
          if (method.getName().equals("getStatus")) {
            return status;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  /** Goes async on the request thread and leaves the answer to {@code reply}, run on another thread. */
  private static final class OnAnotherThread extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient ExecutorService replies;
    private final transient java.util.function.Consumer<AsyncContext> reply;

    OnAnotherThread(ExecutorService replies, java.util.function.Consumer<AsyncContext> reply) {
      this.replies = replies;
      this.reply = reply;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      AsyncContext async = request.startAsync();
      replies.execute(() -> reply.accept(async));
    }
  }

  /** Answers 200 for {@code /found}, else 404, and completes. */
  private static void answerAndComplete(AsyncContext async) {
    boolean found = "/found".equals(((HttpServletRequest) async.getRequest()).getPathInfo());
    try {
      answer((HttpServletResponse) async.getResponse(), found ? 200 : 404);
    } catch (IOException e) {
      // the client went away: the container ends the cycle
    } finally {
      async.complete();
    }
  }

  /** Sends a 200 head and part of its body, then dispatches to a servlet that throws: the answer never ends. */
  private static void breakAfterTheHead(AsyncContext async) {
    try {
      HttpServletResponse res = (HttpServletResponse) async.getResponse();
      res.setStatus(200);
      res.setContentLength(100);
      res.getOutputStream().write("part".getBytes(StandardCharsets.UTF_8));
      res.flushBuffer();
    } catch (IOException e) {
      // the client went away: the dispatch below still fails the cycle
    }
    async.dispatch("/boom");
  }

  /** Answers on the request thread: 200 for {@code /found}, else 404. */
  private static final class SyncReply extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      answer(response, "/found".equals(request.getPathInfo()) ? 200 : 404);
    }
  }

  private static final class Boom extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
      throw new IllegalStateException("boom (a test's async failure)");
    }
  }

  /**
   * Goes async and never answers: the container's async timeout ends it. For {@code /answered} the application's
   * own listener answers the timeout (404); else nobody does and the container answers 500.
   */
  private static final class AsyncTimeout extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      boolean answered = "/answered".equals(request.getPathInfo());
      AsyncContext async = request.startAsync();
      async.setTimeout(50);
      if (answered) {
        async.addListener(new jakarta.servlet.AsyncListener() {
          @Override
          public void onTimeout(jakarta.servlet.AsyncEvent event) throws IOException {
            answer((HttpServletResponse) event.getAsyncContext().getResponse(), 404);
            event.getAsyncContext().complete();
          }

          @Override
          public void onComplete(jakarta.servlet.AsyncEvent event) {}

          @Override
          public void onError(jakarta.servlet.AsyncEvent event) {}

          @Override
          public void onStartAsync(jakarta.servlet.AsyncEvent event) {}
        });
      }
    }
  }

  private static void answer(HttpServletResponse response, int status) throws IOException {
    byte[] body = (status == 200 ? "found" : "no such thing").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("text/plain;charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /**
   * The in-memory state, with the enumeration detector's counts watched: every report of an identity's answer adds
   * to its {@code t} count ({@code add} for a 403/404, {@code addIfCounted} for a success), recorded in order.
   */
  static final class CountingState implements SecurityState {
    private final SecurityState memory = SecurityState.inMemory();
    private final ConcurrentLinkedQueue<String[]> reports = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Semaphore> reported =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> throttles = new ConcurrentLinkedQueue<>();
    private final Semaphore throttled = new Semaphore(0);

    /** Waits (at most {@link #WAIT}) until {@code identity} has {@code n} reports in all. */
    void awaitReports(String identity, int n) throws InterruptedException {
      // one permit per report so far: n of them can be taken once there are n reports
      boolean arrived = semaphore(identity).tryAcquire(n, WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(arrived).as(identity + ": " + n + " report(s) within " + WAIT + ", got " + reportsOf(identity))
          .isTrue();
      semaphore(identity).release(n);
    }

    /** Waits (at most {@link #WAIT}) for a throttle to be set; every throttle so far as "rule → identity". */
    List<String> awaitThrottle() throws InterruptedException {
      assertThat(throttled.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("a throttle within " + WAIT)
          .isTrue();
      return List.copyOf(throttles);
    }

    /** The reports of {@code identity}'s answers in order: "404" (a miss) or "2xx" (a success). */
    List<String> reportsOf(String identity) {
      return reports.stream().filter(w -> w[0].equals(identity)).map(w -> w[1]).toList();
    }

    private Semaphore semaphore(String identity) {
      return reported.computeIfAbsent(identity, i -> new Semaphore(0));
    }

    private void walked(String key, String what) {
      if (key.startsWith("t")) {
        String identity = key.substring(1);
        reports.add(new String[] {identity, what});
        semaphore(identity).release();
      }
    }

    @Override
    public SlidingCounters slidingCounters(String name, StoreSettings settings) {
      SlidingCounters counters = memory.slidingCounters(name, settings);
      if (!name.equals("detect.enumeration")) {
        return counters;
      }
      return new SlidingCounters() {
        @Override
        public long add(String key, Duration window) {
          walked(key, "404");
          return counters.add(key, window);
        }

        @Override
        public long addIfCounted(String key, Duration window) {
          walked(key, "2xx"); // a success reported (counted only while the identity is being counted)
          return counters.addIfCounted(key, window);
        }

        @Override
        public void reset(String key) {
          counters.reset(key);
        }

        @Override
        public int addDistinct(String key, long member, Duration window, int capacity) {
          return counters.addDistinct(key, member, window, capacity);
        }

        @Override
        public void clearDistinct(String key) {
          counters.clearDistinct(key);
        }
      };
    }

    @Override
    public Suspensions suspensions(StoreSettings settings) {
      return memory.suspensions(settings);
    }

    @Override
    public SourceBlocks sourceBlocks(StoreSettings settings) {
      return memory.sourceBlocks(settings);
    }

    @Override
    public IdentityFlags identityFlags(StoreSettings settings) {
      IdentityFlags flags = memory.identityFlags(settings);
      return new IdentityFlags() {
        @Override
        public boolean isEmpty(Flag flag) {
          return flags.isEmpty(flag);
        }

        @Override
        public dev.zt.core.spi.Presence check(Flag flag, String key) {
          return flags.check(flag, key);
        }

        @Override
        public void set(Flag flag, String key, String rule, Duration ttl) {
          flags.set(flag, key, rule, ttl);
          if (flag == Flag.THROTTLED) {
            throttles.add(rule + " → " + key);
            throttled.release();
          }
        }

        @Override
        public boolean clear(Flag flag, String key) {
          return flags.clear(flag, key);
        }

        @Override
        public List<dev.zt.core.spi.Entry> flagged(Flag flag) {
          return flags.flagged(flag);
        }

        @Override
        public dev.zt.core.trust.TrustLevel levelCap(String subject) {
          return flags.levelCap(subject);
        }

        @Override
        public void capLevel(String subject, dev.zt.core.trust.TrustLevel level, Duration ttl) {
          flags.capLevel(subject, level, ttl);
        }
      };
    }

    @Override
    public RateBuckets rateBuckets(String name, StoreSettings settings) {
      return memory.rateBuckets(name, settings);
    }

    @Override
    public SingleUse singleUse(String name, StoreSettings settings) {
      return memory.singleUse(name, settings);
    }
  }
}
