package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeJcaTests {

  @Test
  void detectWhenNoNativeProviderOnClassPathThenFallsBackToJdk() throws Exception {
    // an empty loader whose parent is the platform loader: neither provider's classes are visible
    try (URLClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      assertThat(NativeJca.detect(bare)).isEmpty();
    }
  }

  @Test
  void applyWhenNoProviderThenLeavesJdkDefault() throws Exception {
    RSASSAVerifier v = new RSASSAVerifier(new RSAKeyGenerator(2048).generate().toRSAPublicKey());
    NativeJca.apply(v, Optional.empty());
    assertThat(v.getJCAContext().getProvider()).isNull();
  }
}
