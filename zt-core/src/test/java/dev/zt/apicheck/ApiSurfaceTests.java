package dev.zt.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ApiSurfaceTests {

 @Test
 void checkWhenZtCoreCompiledThenMatchesCommittedFile() {
  ApiSurface.assertMatchesCommittedFile("zt-core");
 }

 @Test
 void compareWhenTextsEqualThenPasses() {
  assertThat(ApiSurface.compare("zt-core", "a\nb\n", "a\nb\n")).isEmpty();
 }

 @Test
 void compareWhenCommittedFileHasCrlfLineEndingsThenPasses() {
  assertThat(ApiSurface.compare("zt-core", "a\r\nb\r\n", "a\nb\n")).isEmpty();
 }

 @Test
 void compareWhenOneLineChangedThenMessageNamesItAndHowToUpdate() {
  String committed = "package p\n\npublic final class p.A {\n  public void run()\n}\n";
  String compiled = "package p\n\npublic final class p.A {\n  public void run(int)\n}\n";

  assertThat(ApiSurface.compare("zt-core", committed, compiled)).hasValueSatisfying(message -> assertThat(message)
    .contains("The public API of zt-core differs from api/zt-core.api")
    .contains("-Dzt.api.update=true", "ZT_API_UPDATE=true")
    .contains("--- api/zt-core.api")
    .contains("@@ -4 +4 @@\n public final class p.A {\n-  public void run()\n+  public void run(int)\n")
    .doesNotContain("more changed lines"));
 }

 @Test
 void compareWhenLineAddedOrRemovedThenOnlyThatLineIsShown() {
  String committed = "x\na\nb\nc\n";

  assertThat(changes(ApiSurface.compare("m", committed, "x\na\nnew\nb\nc\n").orElseThrow()))
    .isEqualTo("@@ -3 +3 @@\n a\n+new\n");
  assertThat(changes(ApiSurface.compare("m", committed, "x\na\nc\n").orElseThrow()))
    .isEqualTo("@@ -3 +3 @@\n a\n-b\n");
 }

 private static String changes(String message) {
  return message.substring(message.indexOf("@@"));
 }

 @Test
 void compareWhenFileMissingThenSaysSoAndShowsTheWholeSurface() {
  assertThat(ApiSurface.compare("zt-netty", "", "package p\n").orElseThrow())
    .contains("api/zt-netty.api is missing or empty")
    .endsWith("+package p\n");
 }

 @Test
 void compareWhenManyLinesChangedThenShowsFortyAndCountsTheRest() {
  String committed = IntStream.range(0, 100).mapToObj(i -> "old" + i).collect(Collectors.joining("\n"));
  String compiled = IntStream.range(0, 100).mapToObj(i -> "new" + i).collect(Collectors.joining("\n"));

  String message = ApiSurface.compare("m", committed, compiled).orElseThrow();

  assertThat(message.lines().filter(line -> line.matches("[-+](old|new)\\d+"))).hasSize(40);
  assertThat(message).endsWith("... and 160 more changed lines\n");
 }

 @Test
 void dumpWhenFixturesThenWritesVisibleSignaturesSortedWithoutSyntheticMembers() {
  String dump = ApiSurface.dump("fixture", List.of(ApiSurfaceFixture.class, ApiSurfaceFixture.Nested.class,
    ApiSurfaceFixture.Sealed.class, ApiSurfaceFixture.Hidden.class, ApiSurfaceFixture.Shape.class,
    ApiSurfaceFixture.Color.class, ApiSurfaceFixture.Point.class, ApiSurfaceFixture.FromHidden.class));

  assertThat(dump).contains("package dev.zt.apicheck\n")
    .doesNotContain("// internal")
    .contains("public abstract class dev.zt.apicheck.ApiSurfaceFixture"
      + "<T extends java.lang.Comparable<? super T>>"
      + " implements java.util.function.Supplier<T> {\n"
      + "  public static final java.lang.String NAME\n"
      + "  protected int counter\n"
      + "  protected ApiSurfaceFixture()\n"
      + "  public ApiSurfaceFixture(java.util.List<? extends T>)\n"
      + "  public static <K, V extends java.util.Collection<K>> java.util.Map<K, V[]> index(V...)\n"
      + "  protected abstract void run() throws java.io.IOException\n"
      + "}\n")
    .contains("public static final class dev.zt.apicheck.ApiSurfaceFixture$Nested"
      + " extends dev.zt.apicheck.ApiSurfaceFixture<java.lang.String> {\n"
      + "  public Nested()\n"
      + "  public java.lang.String get()\n"
      + "}\n")
    .contains("public static sealed interface dev.zt.apicheck.ApiSurfaceFixture$Sealed {\n")
    .contains("public static enum dev.zt.apicheck.ApiSurfaceFixture$Color {\n"
      + "  public static final dev.zt.apicheck.ApiSurfaceFixture$Color RED\n")
    .contains("public static record dev.zt.apicheck.ApiSurfaceFixture$Point"
      + " implements dev.zt.apicheck.ApiSurfaceFixture$Sealed {\n"
      + "  public Point(int, int)\n")
    // a public class exposes what it inherits from a package-private one, under its own name
    .contains("public static final class dev.zt.apicheck.ApiSurfaceFixture$FromHidden {\n"
      + "  public FromHidden()\n"
      + "  public void inherited()\n"
      + "}\n")
    .doesNotContain("$Hidden {", "Shape", "secret", "protectedOfFinal", "get()java.lang.Object",
      "java.lang.Object get()");
  // the Nested#get bridge returning Object is synthetic and left out; lines are sorted, so the order is fixed
  assertThat(dump).isEqualTo(ApiSurface.dump("fixture", List.of(ApiSurfaceFixture.FromHidden.class,
    ApiSurfaceFixture.Point.class, ApiSurfaceFixture.Color.class, ApiSurfaceFixture.Shape.class,
    ApiSurfaceFixture.Hidden.class, ApiSurfaceFixture.Sealed.class, ApiSurfaceFixture.Nested.class,
    ApiSurfaceFixture.class)));
 }

 @Test
 void dumpWhenZtCoreThenMarksInternalPackages() {
  String dump = ApiSurface.dump("zt-core", java.nio.file.Path.of("target/classes"),
    ApiSurfaceTests.class.getClassLoader());

  assertThat(dump).contains("package dev.zt.core.internal  // internal: public for zt's own modules only")
    .doesNotContain("package dev.zt.core  // internal", "$1 ", "lambda$");
 }
}
