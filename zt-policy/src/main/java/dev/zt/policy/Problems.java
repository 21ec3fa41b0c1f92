package dev.zt.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** The problems found in one file, in the order found; lines resolved from the tree once there is one. */
final class Problems {

  private final String file;
  private final List<PolicyProblem> found = new ArrayList<>();
  private ToIntFunction<String> lines = p -> 0;

  Problems(String file) {
    this.file = file;
  }

  void lines(ToIntFunction<String> lines) {
    this.lines = lines;
  }

  void add(String pointer, int line, String message) {
    found.add(new PolicyProblem(file, pointer, line, message));
  }

  /** A problem at {@code pointer}, its line looked up in the document. */
  void at(String pointer, String message) {
    add(pointer, lines.applyAsInt(pointer), message);
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  List<PolicyProblem> all() {
    return List.copyOf(found);
  }

  void throwIfAny() throws InvalidPolicyException {
    if (!found.isEmpty()) {
      throw new InvalidPolicyException(found);
    }
  }
}
