package dev.zt.core.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How {@link OpaClient} reads the policy revision from OPA's {@code provenance}: the decision cache drops its entries
 * when it changes, so two different provenances must never read as one revision. (The client's calls are tested
 * against the testkit's {@code FakeOpa}.)
 */
class OpaClientTests {

  @Test
  void revisionWhenBundlesThenSortedNamePairs() {
    assertThat(OpaClient.revision(Map.of("bundles", Map.of("users", Map.of("revision", "u7"),
        "authz", Map.of("revision", "a3"))))).contains("authz=a3,users=u7");
  }

  @Test
  void revisionWhenLegacySingleRevisionThenIt() {
    assertThat(OpaClient.revision(Map.of("revision", "r42"))).contains("r42");
  }

  @Test
  void revisionWhenNoneOrNotAnObjectThenEmpty() {
    assertThat(OpaClient.revision(Map.of("version", "0.70.0"))).isEmpty();
    assertThat(OpaClient.revision("r42")).isEmpty();
    assertThat(OpaClient.revision(Map.of("bundles", Map.of("a", Map.of("revision", 7L))))).isEmpty();
  }

  @Test
  void revisionWhenLongRevisionsDifferOnlyAtTheEndThenDifferent() {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    Map<String, Object> five = Map.of("bundles", Map.of("a", Map.of("revision", sha), "b", Map.of("revision", sha),
        "c", Map.of("revision", sha), "d", Map.of("revision", sha), "e", Map.of("revision", sha)));
    Map<String, Object> lastChanged = Map.of("bundles", Map.of("a", Map.of("revision", sha),
        "b", Map.of("revision", sha), "c", Map.of("revision", sha), "d", Map.of("revision", sha),
        "e", Map.of("revision", sha.replace('7', '8'))));

    assertThat(OpaClient.revision(five)).isNotEqualTo(OpaClient.revision(lastChanged));
    assertThat(OpaClient.revision(five).orElseThrow()).startsWith("sha256:");
  }

  @Test
  void revisionWhenRevisionsDifferOnlyInNonAsciiThenDifferent() {
    assertThat(OpaClient.revision(Map.of("revision", "v\u00e9"))).isNotEqualTo(
        OpaClient.revision(Map.of("revision", "v\u00e8")));
  }

  @Test
  void revisionWhenSeparatorsInNamesOrRevisionsThenNotConfusedWithMoreBundles() {
    Map<String, Object> one = Map.of("bundles", Map.of("a", Map.of("revision", "x,b=y")));
    Map<String, Object> two = Map.of("bundles", Map.of("a", Map.of("revision", "x"), "b", Map.of("revision", "y")));

    assertThat(OpaClient.revision(one)).isNotEqualTo(OpaClient.revision(two));
  }
}
