package dev.zt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zt} command-line tool: {@code check}, {@code test}, {@code explain} and {@code diff} for a
 * {@code zt-policy.yaml}. Run as {@code java -jar zt.jar …}. Exit codes: 0 clean or passing, 1 findings, failures or
 * changes, 2 an unreadable or invalid input (or a usage error).
 */
@Command(name = "zt", mixinStandardHelpOptions = true, version = "zt 0.3",
    description = "Checks, tests, explains and diffs zt policy files.",
    subcommands = {CheckCommand.class, TestCommand.class, ExplainCommand.class, DiffCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:clean, all tests pass, no change", "1:findings, failing tests, changes",
        "2:unreadable or invalid input, errors, usage"})
public final class Zt implements Runnable {

  /** Exit code: clean, passing, unchanged. */
  static final int OK = 0;
  /** Exit code: findings, failures, changes. */
  static final int FOUND = 1;
  /** Exit code: unreadable or invalid input, errors. */
  static final int ERROR = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The tool's command line (tests run it in-process with their own out and err). */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Zt());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("zt: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
          + e.getMessage()));
      return ERROR;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
