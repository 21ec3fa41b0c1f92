package dev.zt.policy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * A policy file's embedded tests as JUnit 5 dynamic tests, one per test (named after it, linked to its line), plus a
 * coverage test that fails when a route or object rule is decided by no test — in Cerbos' model, what a file does not show
 * allowed is expected to be denied, so every rule that allows something needs a test that shows it. Tokens are
 * minted by {@link TestTokens} and validated for real by an enforcer built from the file. Needs
 * {@code junit-jupiter-api} on the test class path (an optional dependency of zt-policy).
 *
 * <pre>{@code
 * Stream<DynamicNode> policy() throws InvalidPolicyException { // a JUnit @TestFactory method
 *   return PolicyTestFactory.of(PolicyFile.load(Path.of("zt-policy.yaml"), env, extensions)).tests();
 * }
 * }</pre>
 *
 * @since 0.3
 */
public final class PolicyTestFactory {

  private final PolicyFile file;
  private final Clock clock;

  private PolicyTestFactory(PolicyFile file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The tests of {@code file}, with the system clock. */
  public static PolicyTestFactory of(PolicyFile file) {
    return of(file, Clock.systemUTC());
  }

  /** The tests of {@code file}, with {@code clock} for the enforcers and the tokens. */
  public static PolicyTestFactory of(PolicyFile file, Clock clock) {
    return new PolicyTestFactory(Objects.requireNonNull(file, "file"), Objects.requireNonNull(clock, "clock"));
  }

  /** One dynamic test per embedded test, then the coverage test. */
  public Stream<DynamicNode> tests() {
    PolicyTestReport report = PolicyTests.run(file, clock);
    List<DynamicNode> nodes = new ArrayList<>();
    for (PolicyTestResult r : report.results()) {
      nodes.add(DynamicTest.dynamicTest(r.test().name(), source(r.test().line()), () -> {
        if (!r.passed()) {
          throw new AssertionError(file.name() + (r.test().line() > 0 ? ":" + r.test().line() : "") + ": "
              + r.test().request() + ": " + r.message() + " (expected " + r.test().expected() + ", decided "
              + r.actual() + ")");
        }
      }));
    }
    nodes.add(coverage(report));
    return nodes.stream();
  }

  /** The coverage test alone: it fails naming every rule (route or object) no embedded test is decided by. */
  public DynamicTest coverage() {
    return coverage(PolicyTests.run(file, clock));
  }

  private DynamicTest coverage(PolicyTestReport report) {
    return DynamicTest.dynamicTest("every rule is tested", () -> {
      Set<String> reached = new HashSet<>();
      report.results().forEach(r -> reached.add(r.rule()));
      List<String> untested = file.rules().stream().filter(r -> !reached.contains(r.id()))
          .map(r -> "'" + r.id() + "' (line " + r.line() + ")").toList();
      if (!untested.isEmpty()) {
        throw new AssertionError(file.name() + ": no embedded test is decided by " + String.join(", ", untested));
      }
    });
  }

  private URI source(int line) {
    try {
      Path p = Path.of(file.name());
      return line > 0 ? URI.create(p.toAbsolutePath().toUri() + "?line=" + line) : p.toAbsolutePath().toUri();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
