package dev.zt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** zt-bom lists every published module of the build (samples and benchmarks are not published). */
class BomTests {

  @Test
  void bomWhenComparedWithTheBuildsModulesThenListsEveryPublishedOne() throws Exception {
    Path root = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).getParent();
    List<String> published = new ArrayList<>();
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
    while (module.find()) {
      String m = module.group(1);
      if (!m.startsWith("samples/") && !m.equals("zt-benchmarks") && !m.equals("zt-bom")) {
        published.add(m);
      }
    }
    String bom = Files.readString(root.resolve("zt-bom/pom.xml"));

    assertThat(published).isNotEmpty().allSatisfy(m -> assertThat(bom).contains("<artifactId>" + m + "</artifactId>"));
  }
}
