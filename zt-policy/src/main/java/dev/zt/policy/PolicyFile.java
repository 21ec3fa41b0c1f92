package dev.zt.policy;

import dev.zt.core.Enforcer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A policy file ({@code zt-policy.yaml}) read, validated against its published JSON Schema
 * ({@code dev/zt/policy/zt-policy.schema.json}) and mapped onto the same immutable configuration the builders make.
 * Loading either gives a complete, usable policy or an {@link InvalidPolicyException} listing every problem (file,
 * JSON pointer, line, message); never part of one. The file is input: YAML 1.2 only (no {@code yes}→true), at most
 * 1 MiB, 64 levels deep and 50 aliases, duplicate keys and tags refused, no includes. {@code ${NAME}} and
 * {@code ${NAME:-default}} in scalar values are replaced from the environment given (<code>$${</code> for a literal
 * <code>${</code>); keys are never substituted. The embedded tests are parsed, not run: {@link PolicyTests#run}.
 *
 * @since 0.3
 */
public final class PolicyFile {

  private final String name;
  private final String revision;
  private final Map<String, Object> document;
  private final Recipe recipe;

  private PolicyFile(String name, String revision, Map<String, Object> document, Recipe recipe) {
    this.name = name;
    this.revision = revision;
    this.document = document;
    this.recipe = recipe;
  }

  /** Reads {@code file} (UTF-8) with {@code env} for its {@code ${NAME}} references. */
  public static PolicyFile load(Path file, Map<String, String> env, PolicyExtensions extensions)
      throws InvalidPolicyException {
    String name = file.toString();
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) { // follows links (a ConfigMap's ..data); a FIFO or a directory is refused
        throw new InvalidPolicyException(List.of(new PolicyProblem(name, "", 0,
            Files.exists(file) ? "not a regular file" : "cannot be read: no such file")));
      }
      try (java.io.InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(YamlTree.MAX_CHARS + 1); // bounded, however large the file grew since
      }
    } catch (IOException e) {
      throw new InvalidPolicyException(List.of(new PolicyProblem(name, "", 0, "cannot be read: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()))));
    }
    return parse(name, bytes, env, extensions, false).file();
  }

  /** Parses {@code text}, named {@code name} in problems, with {@code env} for its {@code ${NAME}} references. */
  public static PolicyFile parse(String name, String text, Map<String, String> env, PolicyExtensions extensions)
      throws InvalidPolicyException {
    return parse(name, text.getBytes(StandardCharsets.UTF_8), env, extensions, false).file();
  }

  /** What a parse gives: the file, or (linting) the recipe with shadowed rules left out. */
  record Parsed(PolicyFile file, Recipe recipe) {}

  static Parsed parse(String name, byte[] bytes, Map<String, String> env, PolicyExtensions extensions, boolean lint)
      throws InvalidPolicyException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(extensions, "extensions");
    Problems problems = new Problems(name);
    if (bytes.length > YamlTree.MAX_CHARS) {
      problems.add("", 0, "the file is larger than 1 MiB: refused");
      problems.throwIfAny();
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      problems.add("", 0, "not UTF-8 text");
      throw new InvalidPolicyException(problems.all());
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    YamlTree tree = YamlTree.read(name, text, new EnvSubstitution(env, problems), problems);
    if (tree == null) {
      problems.throwIfAny();
      throw new InvalidPolicyException(List.of(new PolicyProblem(name, "", 0, "not a policy document")));
    }
    problems.lines(tree::line);
    if (!(tree.root instanceof Map<?, ?>)) {
      problems.add("", tree.line(""), "a policy is a mapping (version, issuers, routes, …)");
    }
    problems.throwIfAny(); // an unset variable or a key with '${' stops here: the schema would only echo it
    SchemaValidation.validate(tree, problems);
    problems.throwIfAny();
    Recipe recipe = Mapper.map(tree, problems, extensions, lint);
    problems.throwIfAny();
    try {
      recipe.builder(Map.of()).build(); // what only the enforcer checks (e.g. dpop without public_origin)
    } catch (IllegalArgumentException | IllegalStateException e) {
      String m = String.valueOf(e.getMessage());
      String at = m.startsWith("bearerJwt") ? "/issuers" : m.startsWith("dpop") ? "/dpop"
          : m.startsWith("trustClientCertHeader") ? "/trust_client_cert_header"
          : m.startsWith("signature provider") ? "/signature_provider" : "";
      problems.at(at, m);
    }
    problems.throwIfAny();
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) tree.root;
    return new Parsed(lint ? null : new PolicyFile(name, revision(bytes), unmodifiable(doc), recipe), recipe);
  }

  /** {@code sha256:} and the hex SHA-256 of {@code bytes}. */
  static String revision(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A deep, unmodifiable copy of a tree of maps and lists. */
  @SuppressWarnings("unchecked")
  static <T> T unmodifiable(T o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> copy = new java.util.LinkedHashMap<>();
      m.forEach((k, v) -> copy.put((String) k, unmodifiable(v)));
      return (T) java.util.Collections.unmodifiableMap(copy);
    }
    if (o instanceof List<?> l) {
      return (T) java.util.Collections.unmodifiableList(l.stream().map(PolicyFile::unmodifiable)
          .collect(java.util.stream.Collectors.toList()));
    }
    return o;
  }

  /** The file's name as given (a path, or the name passed to {@link #parse}). */
  public String name() {
    return name;
  }

  /**
   * {@code sha256:} and the hex SHA-256 of the file's bytes: what audit events and reloads name. The environment is
   * not part of it: the same file under another environment has the same revision.
   */
  public String revision() {
    return revision;
  }

  /**
   * A fresh {@link Enforcer.Builder} with everything the file says; the caller adds what a file cannot hold (clock,
   * state store, audit listener, executor, peer verifier, OpenTelemetry) and builds.
   */
  public Enforcer.Builder enforcerBuilder() {
    return recipe.builder(Map.of());
  }

  /** The embedded tests, in file order. */
  public List<PolicyTestCase> tests() {
    return recipe.tests();
  }

  /**
   * The rules that decide, in file order: route rules, then object rules. Shadow (dry-run) rules are left out: they
   * never decide.
   */
  public List<PolicyRule> rules() {
    List<PolicyRule> out = new java.util.ArrayList<>();
    recipe.routes().stream().filter(r -> !r.shadow())
        .forEach(r -> out.add(new PolicyRule(PolicyRule.Kind.ROUTE, r.id(), r.pointer(), r.line())));
    recipe.objectRules().stream().filter(r -> !r.shadow())
        .forEach(r -> out.add(new PolicyRule(PolicyRule.Kind.OBJECT, r.id(), r.pointer(), r.line())));
    return List.copyOf(out);
  }

  /**
   * The document after environment substitution, as maps, lists, strings, numbers and booleans (unmodifiable).
   * Holds substituted values, secrets included: never log it.
   */
  public Map<String, Object> document() {
    return document;
  }

  Recipe recipe() {
    return recipe;
  }

  /** The published JSON Schema of policy files (2020-12). */
  public static String schema() {
    return SchemaValidation.text();
  }

  @Override
  public String toString() {
    return "PolicyFile[" + name + ", " + revision + "]";
  }
}
