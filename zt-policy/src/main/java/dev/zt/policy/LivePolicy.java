package dev.zt.policy;

import dev.zt.core.Enforcer;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.spi.SecurityState;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An enforcer that follows its policy file: loaded, validated and self-tested at start (a bad file throws), then
 * watched. A changed file (an in-place write, a rename over it, or the symbolic-link swap of a Kubernetes ConfigMap
 * mount) is read, validated, self-tested and built, then swapped in atomically; a bad one (syntax, schema, a failing
 * embedded test, a configuration the builders refuse, a deleted or unreadable file) leaves the last good policy in
 * force, is logged once as a WARN naming the file and the reason, audited ({@code zt.policy.reload}), and turns
 * {@link #health()} {@link PolicyHealth.Status#DEGRADED DEGRADED}. A request never sees a half-loaded policy.
 *
 * <p>Hand it to an adapter as a {@code Supplier<Enforcer>} ({@code new ZeroTrustFilter(live)},
 * {@code new ZeroTrustHandler(live)}): each request reads the enforcer once (a volatile read) and uses it throughout.
 * Every enforcer built shares one {@link SecurityState} (in memory, each store kept from the first enforcer on, unless
 * the customizer sets a store, which must then be the same shared store every time), so suspensions, blocked
 * sources, detector counters and rate buckets survive a reload.
 *
 * <p>Watching: one daemon thread waits on a {@link WatchService} for the file's directory and, at the latest every
 * {@link Builder#pollInterval poll interval} (default 500 ms), compares the file's real path (every link followed),
 * size, modification time and SHA-256 with what it last saw. Close it to stop the thread.
 *
 * @since 0.3
 */
public final class LivePolicy implements Supplier<Enforcer>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LivePolicy.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.zt.audit");

  /** After a file-system event, how long to wait for the writer's further events before reading the file. */
  private static final long SETTLE_MILLIS = 50;

  private final Path file;
  private final PolicyLoader loader;
  private final Consumer<Enforcer.Builder> customizer;
  private final Clock clock;
  private final boolean clockGiven;
  private final Consumer<PolicyReload> listener;
  private final OpenTelemetry otel;
  private final Duration pollInterval;
  private final Object lock = new Object();
  private final CountDownLatch closing = new CountDownLatch(1);

  private volatile Enforcer enforcer;
  private volatile PolicyHealth health;

  // guarded by lock
  private SecurityState state;             // shared by every enforcer built
  private boolean customizerState;         // the customizer sets the store (and must keep setting the same one)
  private Optional<FileFingerprint> seen;  // what the file was at the last check, good or bad
  private String lastUnreadable;           // the reason last reported for an unreadable file
  private Thread watcher;
  private WatchService watchService;

  private LivePolicy(Builder b, PolicyLoader loader) {
    this.file = b.file;
    this.loader = loader;
    this.customizer = b.customizer == null ? x -> { } : b.customizer;
    this.clockGiven = b.clock != null;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.listener = b.listener == null ? e -> { } : b.listener;
    this.otel = b.otel == null ? GlobalOpenTelemetry.get() : b.otel;
    this.pollInterval = b.pollInterval == null ? Duration.ofMillis(500) : b.pollInterval;
  }

  /** A live policy for {@code file} (a {@code zt-policy.yaml}), configured by the builder and started by it. */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /** The enforcer of the last good policy: one volatile read, for every request. */
  @Override
  public Enforcer get() {
    return enforcer;
  }

  /** Whether the file on disk is in force, which revision is, and why not when it is not. */
  public PolicyHealth health() {
    return health;
  }

  /** The revision in force. */
  public String revision() {
    return health.revision();
  }

  /** The policy file as configured. */
  public Path file() {
    return file;
  }

  /**
   * Checks the file now, on the calling thread, and applies or rejects it when it changed since the last check (the
   * watcher calls this; so can an operator's "reload" command, and tests, which then need no waiting).
   *
   * @return the health after the check
   */
  public PolicyHealth checkNow() {
    synchronized (lock) {
      Optional<FileFingerprint> now;
      try {
        now = FileFingerprint.of(file);
      } catch (IOException e) {
        rejectOnce("unreadable: " + describe(e));
        return health;
      }
      if (now.isEmpty()) {
        if (seen == null || seen.isPresent()) {
          seen = Optional.empty();
          reject("the file is missing");
        }
        return health;
      }
      FileFingerprint f = now.get();
      if (seen != null && seen.isPresent() && seen.get().sameAs(f)) {
        return health;
      }
      seen = now;
      try {
        Built built = build(f);
        apply(built, PolicyReload.Outcome.APPLIED);
      } catch (InvalidPolicyException e) {
        reject(reasonOf(e));
      }
      return health;
    }
  }

  /** An unreadable file: reported once per reason, and read again at every check until it can be. */
  private void rejectOnce(String reason) {
    if (reason.equals(lastUnreadable) && health.status() == PolicyHealth.Status.DEGRADED) {
      return;
    }
    lastUnreadable = reason;
    seen = null; // read again next time: the file may become readable with the same fingerprint
    reject(reason);
  }

  /** Stops watching. The last good enforcer stays usable. */
  @Override
  public void close() {
    closing.countDown();
    WatchService ws;
    Thread t;
    synchronized (lock) {
      ws = watchService;
      t = watcher;
    }
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        LOG.debug("zt policy watch service did not close cleanly", e);
      }
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------ loading

  private record Built(String revision, Enforcer enforcer) {}

  /** The file's enforcer, built with the shared state; every failure is an {@link InvalidPolicyException}. */
  private Built build(FileFingerprint f) throws InvalidPolicyException {
    PolicyLoader.Loaded loaded;
    try {
      loaded = loader.load(file, f.content());
    } catch (RuntimeException e) {
      throw invalid("the loader failed: " + describe(e));
    }
    Enforcer.Builder b = loaded.builder();
    try {
      if (clockGiven) {
        b.clock(clock);
      }
      customizer.accept(b);
      SecurityState set = CoreAccess.enforcers().stateOrNull(b);
      if (set == SecurityState.inMemory()) {
        throw invalid("the customizer set SecurityState.inMemory(), which gives each enforcer empty stores: leave "
            + "the state unset (the live policy keeps one in-memory state across reloads) or set a shared store");
      }
      if (state == null) { // the first build decides where the state lives
        customizerState = set != null;
        state = set != null ? set : new RetainedState();
      } else if (customizerState ? set != state : set != null) {
        throw invalid("the customizer must set the same SecurityState on every build, or none: suspensions, "
            + "blocks and rate buckets would not survive the reload");
      }
      if (set == null) {
        b.state(state);
      }
      return new Built(loaded.revision(), b.build());
    } catch (RuntimeException e) {
      throw invalid("the enforcer builder refused it: " + describe(e));
    }
  }

  private InvalidPolicyException invalid(String message) {
    return new InvalidPolicyException(List.of(new PolicyProblem(file.toString(), "", 0, message)));
  }

  private void start() throws InvalidPolicyException {
    synchronized (lock) {
      Optional<FileFingerprint> f;
      try {
        f = FileFingerprint.of(file);
      } catch (IOException e) {
        throw invalid("unreadable: " + describe(e));
      }
      if (f.isEmpty()) {
        throw invalid("the file does not exist");
      }
      seen = f;
      Built built = build(f.get());
      apply(built, PolicyReload.Outcome.LOADED);
    }
    Thread t = new Thread(this::watch, "zt-policy-watch-" + file.getFileName());
    t.setDaemon(true);
    synchronized (lock) {
      watcher = t;
      try {
        watchService = FileSystems.getDefault().newWatchService();
        Path dir = file.toAbsolutePath().getParent();
        dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException | UnsupportedOperationException e) {
        LOG.info("zt policy {}: no file-system watch ({}); polling every {} ms", file, describe(e),
            pollInterval.toMillis());
        watchService = null;
      }
    }
    t.start();
  }

  /** The watcher thread: wakes on a directory event or after the poll interval, then checks. */
  private void watch() {
    WatchService ws;
    synchronized (lock) {
      ws = watchService;
    }
    try {
      while (closing.getCount() > 0) {
        if (ws == null) {
          if (closing.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        } else {
          WatchKey key = ws.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          while (key != null) { // a rename or a ConfigMap swap is several events: let the writer finish
            key.pollEvents();
            key.reset();
            key = ws.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
          }
        }
        try {
          checkNow();
        } catch (RuntimeException e) { // never let the watcher die: the next check tries again
          LOG.error("zt policy {}: the check failed", file, e);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  // ------------------------------------------------------------------------------------------------ outcomes

  private void apply(Built built, PolicyReload.Outcome outcome) {
    String old = health == null ? "" : health.revision();
    enforcer = built.enforcer(); // the swap: requests from now on see the new policy
    Instant now = clock.instant();
    health = new PolicyHealth(PolicyHealth.Status.OK, built.revision(), Optional.empty(), now);
    lastUnreadable = null;
    audit(new PolicyReload(outcome, file, old, built.revision(), Optional.empty(), now));
  }

  private void reject(String reason) {
    PolicyHealth before = health;
    health = new PolicyHealth(PolicyHealth.Status.DEGRADED, before.revision(), Optional.of(reason),
        before.lastGood());
    audit(new PolicyReload(PolicyReload.Outcome.REJECTED, file, before.revision(), before.revision(),
        Optional.of(reason), clock.instant()));
  }

  private void audit(PolicyReload event) {
    String line = "zt.policy.reload outcome=" + quoted(event.outcome().name().toLowerCase(java.util.Locale.ROOT))
        + " file=" + quoted(event.file().toString()) + " old_revision=" + quoted(event.oldRevision())
        + " new_revision=" + quoted(event.newRevision())
        + event.reason().map(r -> " reason=" + quoted(r)).orElse("");
    if (event.outcome() == PolicyReload.Outcome.REJECTED) {
      AUDIT.warn("{} (the last good policy stays in force)", line);
    } else {
      AUDIT.info(line);
    }
    try {
      Span span = otel.getTracer("dev.zt.policy").spanBuilder("zt.policy.reload").startSpan();
      AttributesBuilder a = Attributes.builder()
          .put("zt.policy.outcome", event.outcome().name().toLowerCase(java.util.Locale.ROOT))
          .put("zt.policy.file", event.file().toString())
          .put("zt.policy.old_revision", event.oldRevision())
          .put("zt.policy.new_revision", event.newRevision());
      event.reason().ifPresent(r -> a.put("zt.policy.reason", r));
      span.addEvent("zt.policy.reload", a.build());
      span.end();
    } catch (RuntimeException e) {
      LOG.error("zt policy reload: telemetry failed", e);
    }
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      LOG.error("zt policy reload listener failed", e);
    }
  }

  private static String reasonOf(InvalidPolicyException e) {
    return String.join("; ", e.problems().stream().map(PolicyProblem::toString).toList());
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
        + e.getMessage();
  }

  /** A quoted log value: nothing in a reason (file text, a path) can end the value or start a line. */
  static String quoted(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * The {@code zt-policy.yaml} format: {@link PolicyFile#parse} (syntax, schema, environment, the builders' own
   * checks), then {@link PolicyTests#run} — a file with a failing or erroring embedded test is refused, each failure
   * a problem at the test's line.
   */
  static PolicyLoader yaml(Map<String, String> env, PolicyExtensions extensions, Clock clock) {
    return (file, content) -> {
      PolicyFile policy = PolicyFile.parse(file.toString(), content, env, extensions);
      PolicyTestReport report;
      try {
        report = PolicyTests.run(policy, clock);
      } catch (RuntimeException e) {
        throw new InvalidPolicyException(List.of(new PolicyProblem(file.toString(), "/tests", 0,
            "the embedded tests could not run: " + describe(e))));
      }
      if (!report.passed()) {
        throw new InvalidPolicyException(report.failures().stream()
            .map(f -> new PolicyProblem(file.toString(), f.test().pointer(), f.test().line(),
                "embedded test '" + f.test().name() + "' failed: " + f.message()))
            .toList());
      }
      return new PolicyLoader.Loaded(policy.revision(), policy.enforcerBuilder());
    };
  }

  /** Set-once builder of a {@link LivePolicy}. */
  public static final class Builder {
    private final Path file;
    private final Set<String> set = new HashSet<>();
    private Map<String, String> env;
    private Consumer<Enforcer.Builder> customizer;
    private Clock clock;
    private Duration pollInterval;
    private Consumer<PolicyReload> listener;
    private OpenTelemetry otel;
    private PolicyLoader loader;
    private PolicyExtensions extensions;

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** The variables {@code ${NAME}} in the file may name; default the process environment. */
    public Builder env(Map<String, String> env) {
      once("env");
      this.env = Map.copyOf(env);
      return this;
    }

    /**
     * What the file cannot say, applied to every enforcer built from it (an audit listener, OpenTelemetry, an
     * executor, a shared {@link SecurityState}: if it sets one, it must set the same one every time). Runs after the
     * file's configuration; it must not set what the file sets (the enforcer builder refuses a second setting).
     */
    public Builder customize(Consumer<Enforcer.Builder> customizer) {
      once("customize");
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** The clock of every enforcer built and of the health times; default the system UTC clock. */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How often the file is compared with what was last seen, whatever the file system reports; default 500 ms,
     * at least 10 ms, at most 1 s (a change must be applied within 2 s).
     */
    public Builder pollInterval(Duration interval) {
      once("pollInterval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("pollInterval must be within 10 ms and 1 s: " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /** Called after every load, reload and rejection, on the thread that checked; must not block. */
    public Builder onReload(Consumer<PolicyReload> listener) {
      once("onReload");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Where reload events go; default {@link GlobalOpenTelemetry}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      once("openTelemetry");
      this.otel = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** Tests: another file format (a seam), instead of {@code zt-policy.yaml}. */
    Builder loader(PolicyLoader loader) {
      once("loader");
      this.loader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /** What the file's extension points name (trust signals, country resolvers); default none. */
    public Builder extensions(PolicyExtensions extensions) {
      once("extensions");
      this.extensions = Objects.requireNonNull(extensions, "extensions");
      return this;
    }

    /**
     * Loads the file, runs its embedded tests, builds its enforcer and starts watching.
     *
     * @throws InvalidPolicyException when the file is missing, unreadable, invalid, fails a test or is refused
     */
    public LivePolicy start() throws InvalidPolicyException {
      PolicyLoader l = loader != null ? loader : yaml(env == null ? System.getenv() : env,
          extensions == null ? PolicyExtensions.none() : extensions, clock == null ? Clock.systemUTC() : clock);
      LivePolicy live = new LivePolicy(this, l);
      live.start();
      return live;
    }
  }
}
