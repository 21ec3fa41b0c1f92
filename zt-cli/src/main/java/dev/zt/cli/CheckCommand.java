package dev.zt.cli;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFinding;
import dev.zt.policy.PolicyLint;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code zt check FILE}: the schema, then lint (shadowed and unreachable rules, public routes under protected ones,
 * {@code *} literals, untested rules). */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validates FILE against the schema and lints it. Exit 0 clean, 1 findings, 2 unreadable or invalid.")
final class CheckCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "The policy file (zt-policy.yaml).")
  String file;

  @Mixin
  PolicyInput input;

  @Override
  public Integer call() {
    PrintWriter out = input.out();
    String text = input.read(file);
    if (text == null) {
      return Zt.ERROR;
    }
    List<PolicyFinding> findings;
    try {
      findings = PolicyLint.check(file, text, input.env(), PolicyExtensions.none());
    } catch (InvalidPolicyException e) {
      PolicyInput.printProblems(e.problems(), out);
      return Zt.ERROR;
    }
    if (findings.isEmpty()) {
      out.println(file + ": ok, no findings");
      return Zt.OK;
    }
    for (PolicyFinding f : findings) {
      out.println(file + (f.line() > 0 ? ":" + f.line() : "") + ": " + f.severity() + " [" + f.check() + "]"
          + (f.rule().isEmpty() ? "" : " '" + f.rule() + "'") + ": " + f.message());
    }
    long errors = findings.stream().filter(f -> f.severity() == PolicyFinding.Severity.ERROR).count();
    long warnings = findings.size() - errors;
    out.println(findings.size() + (findings.size() == 1 ? " finding" : " findings") + " (" + errors
        + (errors == 1 ? " error, " : " errors, ") + warnings + (warnings == 1 ? " warning)" : " warnings)"));
    return Zt.FOUND;
  }
}
