package dev.zt.policy;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What a policy file is right now: the path it resolves to (following every symbolic link, as a Kubernetes ConfigMap
 * mount's {@code file -> ..data/file -> ..2026_…/file} chain), its size, its modification time and the SHA-256 of
 * its bytes, with those bytes. Two fingerprints differ when any of these do, so an in-place write, a rename over the
 * file and a symlink swap are all seen, even one that keeps size and time.
 */
record FileFingerprint(Path realPath, long size, FileTime modified, String sha256, String content) {

  /** Policy files are small; a larger file is refused rather than read. */
  static final int MAX_BYTES = 1 << 20;

  /** The fingerprint of {@code file}, or empty when it does not exist (a dangling link included). */
  static Optional<FileFingerprint> of(Path file) throws IOException {
    Path real;
    BasicFileAttributes attributes;
    try {
      real = file.toRealPath();
      attributes = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      throw new IOException(real + " is not a regular file");
    }
    if (attributes.size() > MAX_BYTES) {
      throw new IOException("larger than " + MAX_BYTES + " bytes (" + attributes.size() + ")");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(real);
    } catch (NoSuchFileException gone) { // replaced between the two reads: the next check sees the new one
      return Optional.empty();
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException("larger than " + MAX_BYTES + " bytes");
    }
    return Optional.of(new FileFingerprint(real, bytes.length, attributes.lastModifiedTime(), sha256(bytes),
        utf8(bytes)));
  }

  /** Whether {@code other} is the same file state (content compared through its hash). */
  boolean sameAs(FileFingerprint other) {
    return realPath.equals(other.realPath) && size == other.size && modified.equals(other.modified)
        && sha256.equals(other.sha256);
  }

  private static String utf8(byte[] bytes) throws IOException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not UTF-8 text");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "FileFingerprint[" + realPath + ", " + size + " bytes, " + modified + ", sha256=" + sha256 + "]";
  }
}
