package dev.zt.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The check that every code example in a module's Javadoc compiles: each {@code <pre>{@code …}</pre>} block of the
 * module's main sources must appear, line for line, inside an example region of a file of its test sources, which the
 * build compiles (and a test may run). A region is the lines between {@code // example: <name>} and
 * {@code // end example}; the example's lines must appear there in order and next to each other, compared without
 * their indentation (so the region may set up what the example uses before it and check it after it).
 *
 * <p>JDK 17 has no {@code {@snippet}} tag; this gives the same guarantee: an example that stops compiling, or that
 * drifts from the compiled copy, fails the module's tests. Shipped to the other modules in zt-core's test-jar, beside
 * {@link ApiSurface}.
 */
public final class JavadocExamples {

  private static final String START = "// example:";
  private static final String END = "// end example";

  private JavadocExamples() {
  }

  /** One Javadoc example: where it is and its lines (without the comment's {@code *}, indentation kept). */
  record Example(Path file, int line, List<String> lines) {
    @Override
    public String toString() {
      return file + ":" + line + " (" + lines.get(0).strip() + " …)";
    }
  }

  /**
   * Fails, naming every example that no example region holds, when one of the module's Javadoc examples is not in
   * its compiled test sources. The module is the working directory's (Maven's {@code basedir}).
   */
  public static void assertEveryExampleCompiles() {
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    List<Example> examples = examples(basedir.resolve("src/main/java"));
    List<List<String>> regions = regions(basedir.resolve("src/test/java"));
    List<Example> missing = missing(examples, regions);
    if (!missing.isEmpty()) {
      StringBuilder message = new StringBuilder("Javadoc examples not found in any compiled example region (")
          .append(START).append(" <name> … ").append(END).append(" under src/test/java):\n");
      missing.forEach(e -> message.append("  ").append(e).append('\n'));
      throw new AssertionError(message);
    }
  }

  static List<Example> missing(List<Example> examples, List<List<String>> regions) {
    List<Example> missing = new ArrayList<>();
    for (Example e : examples) {
      List<String> wanted = stripped(e.lines());
      if (regions.stream().map(JavadocExamples::stripped).noneMatch(r -> contains(r, wanted))) {
        missing.add(e);
      }
    }
    return missing;
  }

  /** The Javadoc examples of every {@code .java} file under {@code root}. */
  static List<Example> examples(Path root) {
    List<Example> out = new ArrayList<>();
    for (Path file : javaFiles(root)) {
      List<String> lines = read(file);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int at = line.indexOf("<pre>{@code");
        if (at < 0 || !line.strip().startsWith("*")) {
          continue;
        }
        List<String> body = new ArrayList<>();
        int j = i + 1;
        for (; j < lines.size() && !lines.get(j).contains("}</pre>"); j++) {
          body.add(unescape(commentText(lines.get(j))));
        }
        out.add(new Example(root.relativize(file), i + 1, body));
        i = j;
      }
    }
    return out;
  }

  /** The example regions of every {@code .java} file under {@code root}. */
  static List<List<String>> regions(Path root) {
    List<List<String>> out = new ArrayList<>();
    for (Path file : javaFiles(root)) {
      List<String> lines = read(file);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().startsWith(START)) {
          continue;
        }
        int j = i + 1;
        while (j < lines.size() && !lines.get(j).strip().startsWith(END)) {
          j++;
        }
        out.add(lines.subList(i + 1, j));
        i = j;
      }
    }
    return out;
  }

  /** A Javadoc line without its leading {@code *} and the one space after it. */
  static String commentText(String line) {
    String s = line.stripLeading();
    if (s.startsWith("*")) {
      s = s.substring(1);
      if (s.startsWith(" ")) {
        s = s.substring(1);
      }
    }
    return s;
  }

  /** The HTML escapes Javadoc examples need, undone ({@code &#64;} for {@code @} at a line's start, …). */
  static String unescape(String s) {
    return s.replace("&#64;", "@").replace("&lt;", "<").replace("&gt;", ">").replace("&#42;", "*")
        .replace("&#47;", "/").replace("&amp;", "&");
  }

  private static List<String> stripped(List<String> lines) {
    return lines.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean contains(List<String> region, List<String> wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    for (int i = 0; i + wanted.size() <= region.size(); i++) {
      if (region.subList(i, i + wanted.size()).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> javaFiles(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
