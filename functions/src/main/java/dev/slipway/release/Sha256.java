package dev.slipway.release;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one digest Slipway uses (release ids, OCI digests, artifact checksums). */
public final class Sha256 {
  private Sha256() {}

  /** The digest of {@code bytes}. */
  public static byte[] of(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The digest of {@code bytes}, 64 lowercase hex digits. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(of(bytes));
  }

  /** The digest of {@code text}'s UTF-8, 64 lowercase hex digits. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code sha256:<hex>}, as OCI and ECR write a digest. */
  public static String digest(byte[] bytes) {
    return "sha256:" + hex(bytes);
  }
}
