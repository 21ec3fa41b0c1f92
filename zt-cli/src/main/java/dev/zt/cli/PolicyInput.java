package dev.zt.cli;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command shares: {@code --env K=V} over the process environment for {@code ${NAME}}, the command's
 * output streams, and reading or loading a policy file with the problems printed.
 */
final class PolicyInput {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

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

  /** The command's standard output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** The command's standard error. */
  PrintWriter err() {
    return command.commandLine().getErr();
  }

  /** The text of {@code file}, or null after printing {@code zt NAME: cannot read FILE: Exception} to the error. */
  String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      err().println("zt " + command.name() + ": cannot read " + file + ": " + e.getClass().getSimpleName());
      return null;
    }
  }

  /** Loads {@code file}, or prints its problems to the output and returns null. */
  PolicyFile load(String file) {
    try {
      return PolicyFile.load(Path.of(file), env(), PolicyExtensions.none());
    } catch (InvalidPolicyException e) {
      printProblems(e.problems(), out());
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
