package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Each Boot line's jar has its own {@code META-INF/spring/*.imports} files (docs/architecture.md, "One source tree,
 * two Boot lines"), while most configurations are shared: a configuration one line's file does not list would never
 * load on that line, silently. Shared by both lines, so each module checks its own files against its own classes.
 */
class AutoConfigurationImportsTests {

  private static final Path CLASSES =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("target/classes");

  @Test
  void importsWhenCompiledThenEveryAutoConfigurationOfTheModuleIsListed() throws Exception {
    assertThat(imports("org.springframework.boot.autoconfigure.AutoConfiguration"))
        .containsExactlyInAnyOrderElementsOf(annotated(AutoConfiguration.class));
  }

  @Test
  void importsWhenCompiledThenEveryManagementContextConfigurationIsListed() throws Exception {
    assertThat(imports("org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration"))
        .containsExactlyInAnyOrderElementsOf(annotated(ManagementContextConfiguration.class));
  }

  private static List<String> imports(String name) throws IOException {
    Path file = CLASSES.resolve("META-INF/spring/" + name + ".imports");
    assertThat(file).exists();
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> line.startsWith("optional:") ? line.substring("optional:".length()) : line)
        .toList();
  }

  /** The module's own classes that carry the annotation, by binary name. */
  private static List<String> annotated(Class<? extends Annotation> annotation) throws IOException {
    try (Stream<Path> files = Files.walk(CLASSES)) {
      List<String> names =
          files
              .filter(f -> f.toString().endsWith(".class"))
              .map(f -> CLASSES.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "."))
              .map(n -> n.substring(0, n.length() - ".class".length()))
              .filter(n -> n.startsWith("dev.zt."))
              .filter(n -> load(n).isAnnotationPresent(annotation))
              .toList();
      assertThat(names).as("classes annotated @%s", annotation.getSimpleName()).isNotEmpty();
      return names;
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, AutoConfigurationImportsTests.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
