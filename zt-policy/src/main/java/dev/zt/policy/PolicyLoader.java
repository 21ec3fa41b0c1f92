package dev.zt.policy;

import dev.zt.core.Enforcer;
import java.nio.file.Path;

/**
 * What {@link LivePolicy} needs of a policy file format: the text of {@code file} to a validated, self-tested
 * enforcer builder and its revision. A seam, so that the watcher is tested apart from the format.
 */
@FunctionalInterface
interface PolicyLoader {

  /**
   * Parses, validates and runs the embedded tests of {@code content}, read from {@code file}.
   *
   * @throws InvalidPolicyException when the file cannot be used (syntax, schema, failing test, …)
   */
  Loaded load(Path file, String content) throws InvalidPolicyException;

  /** A file that passed: its revision and the builder of its enforcer (not built: the caller finishes it). */
  record Loaded(String revision, Enforcer.Builder builder) {}
}
