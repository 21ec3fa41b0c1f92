package dev.zt.policy;

import static dev.zt.policy.Requests.decided;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.spi.SecurityState;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LivePolicy} over a tiny test format (the loader seam), so that every way a file changes or goes bad is
 * driven exactly: {@code checkNow()} for the synchronous cases, the real watcher (awaiting its event, never sleeping)
 * for the in-place write, the rename and the ConfigMap symlink swap.
 *
 * <p>The format: {@code key: value} lines; {@code revision}, {@code orders} ({@code open} or {@code admin}),
 * {@code fail} (the loader refuses the file with that reason, as a syntax, schema or embedded-test failure is
 * refused), {@code refuse: yes} (a configuration the enforcer builder refuses: no routes).
 */
class LivePolicyTests {

  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock();
  private final List<PolicyReload> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<Consumer<PolicyReload>> also = new AtomicReference<>(e -> { });
  private LivePolicy live;

  @AfterEach
  void close() {
    if (live != null) {
      live.close();
    }
  }

  static final PolicyLoader TEST_FORMAT = (file, content) -> {
    Map<String, String> kv = content.lines().filter(l -> l.contains(":"))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')).trim(),
            l -> l.substring(l.indexOf(':') + 1).trim(), (a, b) -> b));
    if (kv.containsKey("fail")) {
      throw new InvalidPolicyException(List.of(new PolicyProblem(file.toString(), "/fail", 1, kv.get("fail"))));
    }
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .openTelemetry(OpenTelemetry.noop());
    if (!kv.containsKey("refuse")) {
      b.routes(RoutePolicy.builder().get("/orders", "admin".equals(kv.get("orders"))
          ? Requirement.allRoles("admin") : Requirement.permitAll()).build());
    }
    return new PolicyLoader.Loaded(kv.getOrDefault("revision", "?"), b);
  };

  private LivePolicy.Builder builder(Path file) {
    return LivePolicy.builder(file).loader(TEST_FORMAT).clock(clock).openTelemetry(OpenTelemetry.noop())
        .onReload(e -> {
          events.add(e);
          also.get().accept(e);
        });
  }

  private LivePolicy start(Path file) throws InvalidPolicyException {
    live = builder(file).start();
    return live;
  }

  private static Path write(Path file, String content) throws IOException {
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private void assertOrdersOpen(boolean open) {
    Decision decision = decided(live.get().enforce(Requests.get("/orders", clock)
        .clientAddress(Requests.ip("192.0.2.7")).build()));
    if (open) {
      assertThat(decision.allowed()).isTrue();
    } else {
      assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class,
          d -> assertThat(d.reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING));
    }
  }

  private PolicyReload lastEvent() {
    return events.get(events.size() - 1);
  }

  // ------------------------------------------------------------------------------------------------ start

  @Test
  void startWhenTheFileIsGoodThenLoadsItAndIsHealthy() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    assertOrdersOpen(true);
    assertThat(live.health()).isEqualTo(new PolicyHealth(PolicyHealth.Status.OK, "r1", java.util.Optional.empty(),
        clock.instant()));
    assertThat(lastEvent().outcome()).isEqualTo(PolicyReload.Outcome.LOADED);
    assertThat(lastEvent().newRevision()).isEqualTo("r1");
  }

  @Test
  void startWhenTheFileIsBadThenThrowsWithTheReason() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\nfail: embedded test 'admin reads' failed\n");
    assertThatThrownBy(() -> builder(file).start()).isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("embedded test 'admin reads' failed");
  }

  @Test
  void startWhenTheFileIsMissingThenThrows() {
    assertThatThrownBy(() -> builder(dir.resolve("absent.yaml")).start()).isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void startWhenTheBuilderRefusesTheConfigurationThenThrows() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\nrefuse: yes\n");
    assertThatThrownBy(() -> builder(file).start()).isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("routes(");
  }

  // ------------------------------------------------------------------------------------------------ changes

  @Test
  void checkNowWhenWrittenInPlaceThenTheNewPolicyDecidesTheNextRequest() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Enforcer before = live.get();
    write(file, "revision: r2\norders: admin\n");
    assertThat(live.checkNow().status()).isEqualTo(PolicyHealth.Status.OK);
    assertThat(live.get()).isNotSameAs(before);
    assertThat(live.revision()).isEqualTo("r2");
    assertOrdersOpen(false);
    assertThat(lastEvent()).satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(PolicyReload.Outcome.APPLIED);
      assertThat(e.oldRevision()).isEqualTo("r1");
      assertThat(e.newRevision()).isEqualTo("r2");
    });
  }

  @Test
  void checkNowWhenRewrittenWithTheSameSizeAndTimeThenTheHashSeesIt() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open \n");
    FileTime time = Files.getLastModifiedTime(file);
    start(file);
    write(file, "revision: r2\norders: admin\n"); // same length
    Files.setLastModifiedTime(file, time);
    live.checkNow();
    assertThat(live.revision()).isEqualTo("r2");
    assertOrdersOpen(false);
  }

  @Test
  void checkNowWhenUnchangedThenNothingIsReloadedOrAudited() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Enforcer before = live.get();
    live.checkNow();
    live.checkNow();
    assertThat(live.get()).isSameAs(before);
    assertThat(events).hasSize(1);
  }

  @Test
  void checkNowWhenRenamedOverThenApplied() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Path next = write(dir.resolve(".zt-policy.yaml.tmp"), "revision: r2\norders: admin\n");
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    live.checkNow();
    assertThat(live.revision()).isEqualTo("r2");
    assertOrdersOpen(false);
  }

  @Test
  void checkNowWhenAConfigMapSwapsItsDataLinkThenApplied() throws Exception {
    Path file = configMap("..2026_01_15_10_00_00.1", "revision: r1\norders: open\n");
    start(file);
    swapConfigMap("..2026_01_15_10_05_00.2", "revision: r2\norders: admin\n");
    live.checkNow();
    assertThat(live.revision()).isEqualTo("r2");
    assertOrdersOpen(false);
  }

  @Test
  void checkNowWhenAConfigMapSwapBringsABadFileThenKeepsTheLastGood() throws Exception {
    Path file = configMap("..2026_01_15_10_00_00.1", "revision: r1\norders: open\n");
    start(file);
    Enforcer good = live.get();
    swapConfigMap("..2026_01_15_10_05_00.2", "revision: r2\nfail: line 3: mapping values are not allowed here\n");
    PolicyHealth h = live.checkNow();
    assertThat(live.get()).isSameAs(good);
    assertThat(h.status()).isEqualTo(PolicyHealth.Status.DEGRADED);
    assertThat(h.revision()).isEqualTo("r1");
    assertThat(h.lastError()).hasValueSatisfying(r -> assertThat(r).contains("mapping values are not allowed"));
  }

  // ------------------------------------------------------------------------------------------------ bad files

  @Test
  void checkNowWhenTheNewFileIsBadThenKeepsTheLastGoodDegradesAndAuditsOnce() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Enforcer good = live.get();
    clock.advance(Duration.ofMinutes(1));
    write(file, "revision: r2\nfail: /routes/0/path: required property missing\n");
    PolicyHealth h = live.checkNow();
    live.checkNow(); // the same bad file: not reported again

    assertThat(live.get()).isSameAs(good);
    assertOrdersOpen(true);
    assertThat(h.status()).isEqualTo(PolicyHealth.Status.DEGRADED);
    assertThat(h.revision()).isEqualTo("r1");
    assertThat(h.lastGood()).isEqualTo(clock.instant().minus(Duration.ofMinutes(1)));
    assertThat(h.lastError()).hasValueSatisfying(r -> assertThat(r).contains(file.toString())
        .contains("required property missing"));
    assertThat(events).hasSize(2);
    assertThat(lastEvent()).satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(PolicyReload.Outcome.REJECTED);
      assertThat(e.oldRevision()).isEqualTo("r1");
      assertThat(e.newRevision()).isEqualTo("r1");
      assertThat(e.reason()).hasValueSatisfying(r -> assertThat(r).contains("required property missing"));
    });

    write(file, "revision: r3\norders: admin\n"); // fixed: applied, healthy again
    assertThat(live.checkNow()).satisfies(ok -> {
      assertThat(ok.status()).isEqualTo(PolicyHealth.Status.OK);
      assertThat(ok.lastError()).isEmpty();
      assertThat(ok.revision()).isEqualTo("r3");
    });
    assertThat(lastEvent().oldRevision()).isEqualTo("r1");
  }

  @Test
  void checkNowWhenTheBuilderRefusesTheNewFileThenKeepsTheLastGood() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Enforcer good = live.get();
    write(file, "revision: r2\nrefuse: yes\n");
    assertThat(live.checkNow().lastError()).hasValueSatisfying(r -> assertThat(r).contains("builder refused"));
    assertThat(live.get()).isSameAs(good);
  }

  @Test
  void checkNowWhenTheFileIsDeletedThenKeepsTheLastGoodUntilItIsBack() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Enforcer good = live.get();
    Files.delete(file);
    assertThat(live.checkNow().lastError()).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    live.checkNow();
    assertThat(live.get()).isSameAs(good);
    assertThat(events).hasSize(2);

    write(file, "revision: r2\norders: admin\n");
    assertThat(live.checkNow().status()).isEqualTo(PolicyHealth.Status.OK);
    assertOrdersOpen(false);
  }

  @Test
  void checkNowWhenTheFileIsNotUtf8ThenKeepsTheLastGood() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    Files.write(file, new byte[] {'r', ':', ' ', (byte) 0xC3, (byte) 0x28});
    assertThat(live.checkNow().lastError()).hasValueSatisfying(r -> assertThat(r).contains("UTF-8"));
    assertThat(live.revision()).isEqualTo("r1");
  }

  @Test
  void checkNowWhenReloadedOrRejectedThenEmitsTheOpenTelemetryAuditEvent() throws Exception {
    io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter spans =
        io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
    io.opentelemetry.sdk.OpenTelemetrySdk otel = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
        .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
            .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans)).build())
        .build();
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    live = LivePolicy.builder(file).loader(TEST_FORMAT).clock(clock).openTelemetry(otel).start();
    write(file, "revision: r2\norders: admin\n");
    live.checkNow();
    write(file, "revision: r3\nfail: embedded test 'x' failed\n");
    live.checkNow();

    var events = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("zt.policy.reload"))
        .flatMap(s -> s.getEvents().stream()).toList();
    assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.getName()).isEqualTo("zt.policy.reload"));
    var applied = events.get(1).getAttributes();
    assertThat(applied.get(io.opentelemetry.api.common.AttributeKey.stringKey("zt.policy.outcome")))
        .isEqualTo("applied");
    assertThat(applied.get(io.opentelemetry.api.common.AttributeKey.stringKey("zt.policy.old_revision")))
        .isEqualTo("r1");
    assertThat(applied.get(io.opentelemetry.api.common.AttributeKey.stringKey("zt.policy.new_revision")))
        .isEqualTo("r2");
    var rejected = events.get(2).getAttributes();
    assertThat(rejected.get(io.opentelemetry.api.common.AttributeKey.stringKey("zt.policy.outcome")))
        .isEqualTo("rejected");
    assertThat(rejected.get(io.opentelemetry.api.common.AttributeKey.stringKey("zt.policy.reason")))
        .contains("embedded test 'x' failed").contains(file.toString());
    assertThat(rejected.get(io.opentelemetry.api.common.AttributeKey.stringKey("zt.policy.file")))
        .isEqualTo(file.toString());
    otel.close();
  }

  // ------------------------------------------------------------------------------------------------ state

  @Test
  void checkNowWhenReloadedThenBlocksMadeUnderTheOldPolicyStillHold() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    live.get().countermeasures().blockSource(InetAddress.getByName("192.0.2.7"), Duration.ofHours(1), "test");
    assertThat(decided(live.get().enforce(Requests.get("/orders", clock).clientAddress(Requests.ip("192.0.2.7"))
        .build()))).isInstanceOfSatisfying(Decision.Deny.class,
            d -> assertThat(d.reason()).isEqualTo(DenyReason.SOURCE_BLOCKED));
    write(file, "revision: r2\norders: open\n");
    live.checkNow();
    assertThat(live.revision()).isEqualTo("r2");
    assertThat(decided(live.get().enforce(Requests.get("/orders", clock).clientAddress(Requests.ip("192.0.2.7"))
        .build()))).isInstanceOfSatisfying(Decision.Deny.class,
            d -> assertThat(d.reason()).isEqualTo(DenyReason.SOURCE_BLOCKED));
    assertThat(decided(live.get().enforce(Requests.get("/orders", clock).clientAddress(Requests.ip("192.0.2.8"))
        .build())).allowed()).isTrue();
  }

  @Test
  void startWhenTheCustomizerSetsTheUnsharedInMemoryStateThenRefuses() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    assertThatThrownBy(() -> builder(file).customize(b -> b.state(SecurityState.inMemory())).start())
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("empty stores");
  }

  @Test
  void checkNowWhenTheCustomizerSetsTheSameStoreThenItIsKept() throws Exception {
    SecurityState store = new RetainedState(); // stands for a shared store (Redis)
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    live = builder(file).customize(b -> b.state(store)).start();
    live.get().countermeasures().blockSource(InetAddress.getByName("192.0.2.7"), Duration.ofHours(1), "test");
    write(file, "revision: r2\norders: open\n");
    assertThat(live.checkNow().status()).isEqualTo(PolicyHealth.Status.OK);
    assertThat(decided(live.get().enforce(Requests.get("/orders", clock).clientAddress(Requests.ip("192.0.2.7"))
        .build()))).isInstanceOfSatisfying(Decision.Deny.class,
            d -> assertThat(d.reason()).isEqualTo(DenyReason.SOURCE_BLOCKED));
  }

  @Test
  void checkNowWhenTheCustomizerSetsANewStoreEachTimeThenTheReloadIsRefused() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    live = builder(file).customize(b -> b.state(new RetainedState())).start();
    write(file, "revision: r2\norders: open\n");
    assertThat(live.checkNow().lastError()).hasValueSatisfying(r -> assertThat(r).contains("same SecurityState"));
    assertThat(live.revision()).isEqualTo("r1");
  }

  // ------------------------------------------------------------------------------------------------ the watcher

  private CompletableFuture<PolicyReload> next(PolicyReload.Outcome outcome) {
    CompletableFuture<PolicyReload> f = new CompletableFuture<>();
    also.set(e -> {
      if (e.outcome() == outcome) {
        f.complete(e);
      }
    });
    return f;
  }

  @Test
  void watcherWhenTheFileIsWrittenInPlaceThenAppliesItWithinTwoSeconds() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    CompletableFuture<PolicyReload> applied = next(PolicyReload.Outcome.APPLIED);
    write(file, "revision: r2\norders: admin\n");
    assertThat(applied.get(2, TimeUnit.SECONDS).newRevision()).isEqualTo("r2");
    assertOrdersOpen(false);
  }

  @Test
  void watcherWhenRenamedOverThenAppliesItWithinTwoSeconds() throws Exception {
    Path file = write(dir.resolve("zt-policy.yaml"), "revision: r1\norders: open\n");
    start(file);
    CompletableFuture<PolicyReload> applied = next(PolicyReload.Outcome.APPLIED);
    Path tmp = write(dir.resolve(".tmp"), "revision: r2\norders: admin\n");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertThat(applied.get(2, TimeUnit.SECONDS).newRevision()).isEqualTo("r2");
  }

  @Test
  void watcherWhenAConfigMapSwapsItsDataLinkThenAppliesItWithinTwoSeconds() throws Exception {
    Path file = configMap("..2026_01_15_10_00_00.1", "revision: r1\norders: open\n");
    start(file);
    CompletableFuture<PolicyReload> applied = next(PolicyReload.Outcome.APPLIED);
    swapConfigMap("..2026_01_15_10_05_00.2", "revision: r2\norders: admin\n");
    assertThat(applied.get(2, TimeUnit.SECONDS).newRevision()).isEqualTo("r2");
    assertOrdersOpen(false);
  }

  @Test
  void watcherWhenABadFileArrivesThenRejectsItWithinTwoSeconds() throws Exception {
    Path file = configMap("..2026_01_15_10_00_00.1", "revision: r1\norders: open\n");
    start(file);
    CompletableFuture<PolicyReload> rejected = next(PolicyReload.Outcome.REJECTED);
    swapConfigMap("..2026_01_15_10_05_00.2", "fail: embedded test 'anonymous is refused' failed\n");
    assertThat(rejected.get(2, TimeUnit.SECONDS).reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("anonymous is refused"));
    assertThat(live.health().status()).isEqualTo(PolicyHealth.Status.DEGRADED);
    assertOrdersOpen(true);
  }

  // ------------------------------------------------------------------------------------------------ ConfigMap

  /**
   * A Kubernetes ConfigMap volume as the kubelet writes it: {@code zt-policy.yaml -> ..data/zt-policy.yaml},
   * {@code ..data -> ..<timestamp>}, the file inside the timestamped directory.
   */
  private Path configMap(String version, String content) throws IOException {
    Path v = Files.createDirectory(dir.resolve(version));
    write(v.resolve("zt-policy.yaml"), content);
    Files.createSymbolicLink(dir.resolve("..data"), Path.of(version));
    return Files.createSymbolicLink(dir.resolve("zt-policy.yaml"), Path.of("..data", "zt-policy.yaml"));
  }

  /** The kubelet's update: a new timestamped directory, a {@code ..data_tmp} link to it renamed over {@code ..data}. */
  private void swapConfigMap(String version, String content) throws IOException {
    Path v = Files.createDirectory(dir.resolve(version));
    write(v.resolve("zt-policy.yaml"), content);
    Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of(version));
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
