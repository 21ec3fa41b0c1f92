package dev.zt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zt} command-line tool: {@code check}, {@code test}, {@code explain} and {@code diff} for a
 * {@code zt-policy.yaml}. Run as {@code java -jar zt.jar …}.
 */
@Command(name = "zt", mixinStandardHelpOptions = true, version = "zt 0.3",
    description = "Checks, tests, explains and diffs zt policy files.")
public final class Zt implements Runnable {

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Zt()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
