package dev.zt.cli;

import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyTestReport;
import dev.zt.policy.PolicyTestResult;
import dev.zt.policy.PolicyTests;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code zt test FILE}: the file's embedded tests, each with real tokens validated for real. */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Runs FILE's embedded tests. Exit 0 all pass, 1 failures, 2 errors (or an invalid file).")
final class TestCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "The policy file (zt-policy.yaml).")
  String file;

  @Mixin
  PolicyInput input;

  @Override
  public Integer call() {
    PrintWriter out = input.out();
    PolicyFile policy = input.load(file);
    if (policy == null) {
      return Zt.ERROR;
    }
    PolicyTestReport report = PolicyTests.run(policy);
    int failed = 0;
    int errors = 0;
    for (PolicyTestResult r : report.results()) {
      String where = r.test().line() > 0 ? " (line " + r.test().line() + ")" : "";
      if (r.passed()) {
        out.println("PASS  " + r.test().name());
      } else if (r.message().startsWith("error:")) {
        errors++;
        out.println("ERROR " + r.test().name() + where + ": " + r.message());
      } else {
        failed++;
        out.println("FAIL  " + r.test().name() + where + ": " + r.test().request() + ": expected "
            + r.test().expected() + ", got " + r.actual() + " (" + r.message() + ")");
      }
    }
    int n = report.results().size();
    out.println(n + (n == 1 ? " test, " : " tests, ") + (n - failed - errors) + " passed, " + failed + " failed, "
        + errors + (errors == 1 ? " error" : " errors") + " (" + policy.revision() + ")");
    if (n == 0) {
      out.println("no embedded tests: add a tests: list (zt check reports untested rules)");
    }
    return errors > 0 ? Zt.ERROR : failed > 0 ? Zt.FOUND : Zt.OK;
  }
}
