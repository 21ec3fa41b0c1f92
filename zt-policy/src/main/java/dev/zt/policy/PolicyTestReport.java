package dev.zt.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a file's embedded tests ({@link PolicyTests#run(PolicyFile)}).
 *
 * @param file the file's name
 * @param revision the file's revision
 * @param results one per test, in file order
 * @since 0.3
 */
public record PolicyTestReport(String file, String revision, List<PolicyTestResult> results) {

  public PolicyTestReport {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(revision, "revision");
    results = List.copyOf(results);
  }

  /** Whether every test passed (true for a file without tests: see {@link PolicyLint} for coverage). */
  public boolean passed() {
    return results.stream().allMatch(PolicyTestResult::passed);
  }

  /** The tests that failed. */
  public List<PolicyTestResult> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }
}
