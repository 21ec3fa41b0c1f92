package dev.zt.policy;

import java.util.Objects;

/**
 * One thing wrong with a policy file: where (a JSON pointer into the document, and the line when known) and why.
 *
 * @param file the file's name as given
 * @param pointer a JSON pointer to the offending node ({@code /routes/2/path}); {@code ""} for the whole document
 * @param line the 1-based line, or 0 when unknown
 * @param message what is wrong and, where there is one, the fix
 * @since 0.3
 */
public record PolicyProblem(String file, String pointer, int line, String message) {

  public PolicyProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
    if (line < 0) {
      throw new IllegalArgumentException("line must be 0 (unknown) or positive");
    }
  }

  /** {@code file:line: pointer: message}, the form compilers use, so editors can jump to it. */
  @Override
  public String toString() {
    return file + (line > 0 ? ":" + line : "") + ": " + (pointer.isEmpty() ? "" : pointer + ": ") + message;
  }
}
