package dev.zt.spring.boot;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Where {@code zt.policy-file} points: a class-path resource ({@code classpath:zt-policy.yaml}, e.g. inside an
 * executable jar), a {@code file:} URL, or a bare file-system path. Nothing else: a policy is never fetched over the
 * network ({@code http:}, {@code https:} and every other scheme are refused).
 *
 * @param location the property's value, as written (problems name it)
 * @param path the file, for a file-system location
 */
record PolicyLocation(String location, Optional<Path> path, Resource resource) {

  /** At most what a policy file may hold (zt-policy's limit), and one byte more to see that it is larger. */
  private static final int MAX_BYTES = (1 << 20) + 1;

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

  static PolicyLocation of(String location, ResourceLoader loader) {
    if (location.startsWith("classpath:")) {
      return new PolicyLocation(location, Optional.empty(), loader.getResource(location));
    }
    if (location.startsWith("file:")) {
      Resource r = loader.getResource(location);
      try {
        return new PolicyLocation(location, Optional.of(r.getFile().toPath()), r);
      } catch (IOException e) {
        throw new IllegalStateException("zt.policy-file: '" + location + "' is not a file-system path", e);
      }
    }
    if (location.startsWith("classpath*:") || SCHEME.matcher(location).matches()) {
      throw new IllegalStateException("zt.policy-file: '" + location + "' is neither classpath:, file: nor a path;"
          + " zt reads its policy from the class path or the file system, never from the network");
    }
    Path path = Path.of(location);
    return new PolicyLocation(location, Optional.of(path), loader.getResource("file:" + path.toAbsolutePath()));
  }

  /** The file's text, read bounded and strictly as UTF-8 (zt-policy refuses what these checks let through). */
  String text() {
    byte[] bytes;
    try (InputStream in = path.isPresent() ? Files.newInputStream(path.get()) : resource.getInputStream()) {
      bytes = in.readNBytes(MAX_BYTES);
    } catch (IOException e) {
      throw new IllegalStateException("zt.policy-file: cannot read " + location + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("zt.policy-file: " + location + " is not UTF-8 text", e);
    }
  }

  /** The policy, loaded as zt-policy loads a file (a class-path resource under its location's name). */
  PolicyFile load(Map<String, String> env) throws InvalidPolicyException {
    if (path.isPresent()) {
      return PolicyFile.load(path.get(), env, PolicyExtensions.none());
    }
    return PolicyFile.parse(location, text(), env, PolicyExtensions.none());
  }
}
