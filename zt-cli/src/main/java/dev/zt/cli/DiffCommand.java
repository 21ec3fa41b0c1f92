package dev.zt.cli;

import dev.zt.policy.AuditExport;
import dev.zt.policy.AuditRecord;
import dev.zt.policy.AuditReplay;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.ReplayedDecision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zt diff OLD NEW --replay AUDIT.jsonl}: every recorded decision decided again under OLD and under NEW; the
 * requests whose decision would change, as a table. Both sides are replayed the same way, so what differs is the
 * policy, not the replay.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "Replays recorded decisions (an audit export) against OLD and NEW and shows what would change. "
        + "Exit 0 no change, 1 changes, 2 errors.")
final class DiffCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OLD", description = "The policy in force.")
  String oldFile;

  @Parameters(index = "1", paramLabel = "NEW", description = "The candidate policy.")
  String newFile;

  @Option(names = "--replay", required = true, paramLabel = "AUDIT.jsonl",
      description = "Recorded decisions (the audit export, docs/audit-export.md).")
  String audit;

  @Mixin
  PolicyInput input;

  @Override
  public Integer call() {
    PrintWriter out = input.out();
    PrintWriter err = input.err();
    PolicyFile before = input.load(oldFile);
    PolicyFile after = before == null ? null : input.load(newFile);
    if (after == null) {
      return Zt.ERROR;
    }
    List<AuditRecord> records;
    try {
      records = AuditExport.read(Path.of(audit));
    } catch (IOException e) {
      err.println("zt diff: " + e.getMessage());
      return Zt.ERROR;
    }
    List<ReplayedDecision> old = AuditReplay.replay(before, records);
    List<ReplayedDecision> neu = AuditReplay.replay(after, records);

    List<String[]> rows = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int drift = 0;
    for (int i = 0; i < records.size(); i++) {
      ReplayedDecision o = old.get(i);
      ReplayedDecision n = neu.get(i);
      if (o.replayed().isEmpty() || n.replayed().isEmpty()) {
        skipped.add("  #" + o.line() + " " + o.recorded().method() + " " + o.recorded().target() + ": "
            + o.note().or(n::note).orElse(""));
        continue;
      }
      if (o.changed()) {
        drift++;
      }
      if (!o.replayed().get().equals(n.replayed().get())) {
        AuditRecord r = o.recorded();
        rows.add(new String[] {"#" + o.line(), r.method() + " " + r.target(), caller(r),
            o.replayed().get().toString(), n.replayed().get().toString()});
      }
    }
    out.println("zt diff " + oldFile + " (" + before.revision() + ") -> " + newFile + " (" + after.revision() + ")");
    out.println(records.size() + " recorded decisions from " + audit);
    if (!rows.isEmpty()) {
      rows.add(0, new String[] {"RECORD", "REQUEST", "CALLER", "OLD", "NEW"});
      int[] w = new int[5];
      for (String[] row : rows) {
        for (int c = 0; c < 5; c++) {
          w[c] = Math.max(w[c], row[c].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < 5; c++) {
          b.append(c == 4 ? row[c] : row[c] + " ".repeat(w[c] - row[c].length() + 2));
        }
        out.println(b.toString().stripTrailing());
      }
    }
    int changes = rows.isEmpty() ? 0 : rows.size() - 1;
    out.println(changes + " of " + (records.size() - skipped.size()) + " replayed decisions would change; "
        + skipped.size() + " not replayed");
    skipped.forEach(out::println);
    if (drift > 0) {
      out.println("note: " + drift + " recorded decisions differ from OLD's own replay: were they recorded under "
          + "another policy, or decided by state (trust signals, counters) a replay does not have?");
    }
    return changes > 0 ? Zt.FOUND : Zt.OK;
  }

  private static String caller(AuditRecord r) {
    return r.claims().map(c -> c.get("sub")).map(String::valueOf).or(() -> r.claims().map(c -> "client "
        + c.getOrDefault("client_id", "?"))).orElse(r.credential() ? "(unverified)" : "-");
  }
}
