package dev.zt.cli;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyProblem;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command shares: {@code --env K=V} over the process environment for {@code ${NAME}}. */
final class PolicyInput {

  @Option(names = "--env", paramLabel = "NAME=VALUE",
      description = "A variable for ${NAME} in the file (repeatable); the process environment otherwise.")
  List<String> env = List.of();

  /** The process environment with every {@code --env} over it. */
  Map<String, String> env() {
    Map<String, String> out = new HashMap<>(System.getenv());
    for (String e : env) {
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--env takes NAME=VALUE, not '" + e + "'");
      }
      out.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return out;
  }

  /** Loads {@code file}, or prints its problems to {@code out} and returns null. */
  PolicyFile load(String file, PrintWriter out) {
    try {
      return PolicyFile.load(java.nio.file.Path.of(file), env(), PolicyExtensions.none());
    } catch (InvalidPolicyException e) {
      printProblems(e.problems(), out);
      return null;
    }
  }

  static void printProblems(List<PolicyProblem> problems, PrintWriter out) {
    for (PolicyProblem p : problems) {
      out.println(p);
    }
    out.println(problems.size() == 1 ? "invalid: 1 problem" : "invalid: " + problems.size() + " problems");
  }
}
