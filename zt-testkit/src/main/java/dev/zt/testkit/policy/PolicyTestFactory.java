package dev.zt.testkit.policy;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyTestReport;
import dev.zt.policy.PolicyTestResult;
import dev.zt.policy.PolicyTests;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TokenBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * A policy file's embedded tests as JUnit 5 dynamic tests, one per test (named after it, linked to its line), then a
 * coverage test that fails naming every route or object rule no test is decided by — in Cerbos' model, what a file
 * does not show allowed is expected to be denied, so every rule needs a test that shows what it does.
 *
 * <p>Tokens are real: the file is loaded with its issuer variable ({@code ZT_ISSUER} unless told otherwise) set to
 * a {@link TestIssuer} in this process, each test's enforcer is built from the file and fetches that issuer's
 * discovery document and JWKS over loopback, and each test's claims are signed by the issuer's key: signature,
 * {@code iss}, {@code aud}, lifetime and type are validated as in production. The issuer is started for the run and
 * closed after it unless one is given ({@link Builder#issuer}, e.g. with an EC key when the file allows only ES256).
 * {@link #tests()} runs every embedded test before it returns, so the issuer may be closed as soon as it has.
 *
 * <pre>{@code
 * &#64;TestFactory
 * Stream<DynamicNode> policy() throws InvalidPolicyException {
 *   return PolicyTestFactory.forFile(Path.of("zt-policy.yaml"))
 *       .env(Map.of("ZT_AUDIENCE", "orders-api")) // the file's other ${NAME} variables
 *       .build().tests();
 * }
 * }</pre>
 *
 * @since 0.3
 */
public final class PolicyTestFactory {

  /** The variable the file names its issuer with unless {@link Builder#issuerVariable} says otherwise. */
  public static final String DEFAULT_ISSUER_VARIABLE = "ZT_ISSUER";

  /** Claims a {@link TestIssuer} token carries by default and a test's token carries only when its test says so. */
  private static final List<String> ISSUER_DEFAULTS = List.of("iss", "sub", "aud", "client_id", "jti", "iat", "exp");

  private final Path file;
  private final String issuerVariable;
  private final TestIssuer issuer; // null: one is started for each run
  private final Map<String, String> env;
  private final PolicyExtensions extensions;
  private final Clock clock;

  private PolicyTestFactory(Builder b) {
    this.file = b.file;
    this.issuerVariable = b.issuerVariable != null ? b.issuerVariable : DEFAULT_ISSUER_VARIABLE;
    this.issuer = b.issuer;
    this.env = b.env != null ? b.env : Map.of();
    this.extensions = b.extensions != null ? b.extensions : PolicyExtensions.none();
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
  }

  /** The tests of the policy file at {@code file}; configure, then {@link Builder#build()}. */
  public static Builder forFile(Path file) {
    return new Builder(Objects.requireNonNull(file, "file"));
  }

  /**
   * Runs every embedded test, then answers one dynamic test per embedded test (failing with the difference between
   * what it expected and what was decided) and the coverage test last.
   *
   * @throws InvalidPolicyException when the file does not load (syntax, schema, an unset variable)
   */
  public Stream<DynamicNode> tests() throws InvalidPolicyException {
    Run run = run();
    List<DynamicNode> nodes = new ArrayList<>();
    for (PolicyTestResult r : run.report().results()) {
      nodes.add(DynamicTest.dynamicTest(r.test().name(), source(r.test().line()), () -> {
        if (!r.passed()) {
          throw new AssertionError(run.file().name() + (r.test().line() > 0 ? ":" + r.test().line() : "") + ": "
              + r.test().request() + ": " + r.message() + " (expected " + r.test().expected() + ", decided "
              + r.actual() + ")");
        }
      }));
    }
    nodes.add(coverage(run));
    return nodes.stream();
  }

  /**
   * The coverage test alone: it fails naming every rule (route or object) no embedded test is decided by.
   *
   * @throws InvalidPolicyException when the file does not load
   */
  public DynamicTest coverage() throws InvalidPolicyException {
    return coverage(run());
  }

  private record Run(PolicyFile file, PolicyTestReport report) {}

  private static DynamicTest coverage(Run run) {
    return DynamicTest.dynamicTest("every rule is tested", () -> {
      Set<String> reached = new HashSet<>();
      run.report().results().forEach(r -> reached.add(r.rule()));
      List<String> untested = run.file().rules().stream().filter(r -> !reached.contains(r.id()))
          .map(r -> "'" + r.id() + "' (line " + r.line() + ")").toList();
      if (!untested.isEmpty()) {
        throw new AssertionError(run.file().name() + ": no embedded test is decided by " + String.join(", ", untested));
      }
    });
  }

  private Run run() throws InvalidPolicyException {
    TestIssuer started = issuer == null ? TestIssuer.start(clock) : null;
    try {
      TestIssuer tokens = issuer != null ? issuer : started;
      Map<String, String> variables = new HashMap<>(env);
      variables.put(issuerVariable, tokens.issuer());
      PolicyFile policy = PolicyFile.load(file, variables, extensions);
      requireIssuer(policy, tokens);
      return new Run(policy, PolicyTests.run(policy, policy::enforcerBuilder, claims -> mint(tokens, claims), clock));
    } finally {
      if (started != null) {
        started.close();
      }
    }
  }

  /** A file whose issuers do not include the test issuer would send its key lookups elsewhere: refused. */
  private void requireIssuer(PolicyFile policy, TestIssuer tokens) {
    if (!(policy.document().get("issuers") instanceof List<?> issuers) || issuers.isEmpty()) {
      return; // nothing to validate tokens with: every test is decided without one
    }
    boolean named = issuers.stream().anyMatch(i -> i instanceof Map<?, ?> m && tokens.issuer().equals(m.get("issuer")));
    if (!named) {
      throw new IllegalStateException(policy.name() + ": no issuer is ${" + issuerVariable + "}, so the test issuer's "
          + "tokens could not be validated; name the issuer with that variable or set issuerVariable(…)");
    }
  }

  /** {@code claims} (complete: iss, aud, iat, exp, jti) signed by the test issuer's current key, nothing added. */
  private static String mint(TestIssuer issuer, Map<String, Object> claims) {
    TokenBuilder token = issuer.token();
    ISSUER_DEFAULTS.forEach(token::without);
    claims.forEach(token::claim);
    return token.build();
  }

  private URI source(int line) {
    URI uri = file.toAbsolutePath().toUri();
    return line > 0 ? URI.create(uri + "?line=" + line) : uri;
  }

  @Override
  public String toString() {
    return "PolicyTestFactory[" + file + ", issuer variable " + issuerVariable + "]";
  }

  /** Set-once configuration of a {@link PolicyTestFactory}. */
  public static final class Builder {

    private final Path file;
    private String issuerVariable;
    private TestIssuer issuer;
    private Map<String, String> env;
    private PolicyExtensions extensions;
    private Clock clock;

    private Builder(Path file) {
      this.file = file;
    }

    /** The variable ({@code ${NAME}} in the file) set to the test issuer's URL; {@value #DEFAULT_ISSUER_VARIABLE}. */
    public Builder issuerVariable(String name) {
      once(issuerVariable, "issuerVariable");
      if (!Objects.requireNonNull(name, "name").matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("a variable name: " + name);
      }
      this.issuerVariable = name;
      return this;
    }

    /** Signs with (and points the file at) {@code issuer}, which the caller closes; else one is started per run. */
    public Builder issuer(TestIssuer issuer) {
      once(this.issuer, "issuer");
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** The file's other {@code ${NAME}} variables (not the issuer variable: the harness sets that one). */
    public Builder env(Map<String, String> env) {
      once(this.env, "env");
      this.env = Map.copyOf(env);
      return this;
    }

    /** The signals and resolvers the file names by id, as the service registers them. */
    public Builder extensions(PolicyExtensions extensions) {
      once(this.extensions, "extensions");
      this.extensions = Objects.requireNonNull(extensions, "extensions");
      return this;
    }

    /** The enforcers' clock and the tokens' {@code iat} / {@code exp}; the system clock by default. */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The factory; nothing is loaded or run until {@link PolicyTestFactory#tests()}. */
    public PolicyTestFactory build() {
      String variable = issuerVariable != null ? issuerVariable : DEFAULT_ISSUER_VARIABLE;
      if (env != null && env.containsKey(variable)) {
        throw new IllegalStateException("env sets " + variable + ", the issuer variable: the harness points it at "
            + "the test issuer");
      }
      return new PolicyTestFactory(this);
    }

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " is already set");
      }
    }
  }
}
