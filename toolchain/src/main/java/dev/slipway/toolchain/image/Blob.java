package dev.slipway.toolchain.image;

import dev.slipway.release.Sha256;
import java.util.Objects;

/**
 * Content and its descriptor: media type, {@code sha256:} digest and size. Blobs are held in
 * memory; a Go service's layers are a few MiB.
 */
public record Blob(String mediaType, String digest, long size, byte[] content) {
  public Blob {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(content, "content");
  }

  /** A blob of {@code content}, its digest computed. */
  public static Blob of(String mediaType, byte[] content) {
    return new Blob(mediaType, sha256(content), content.length, content.clone());
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return Sha256.digest(bytes);
  }

  /** The hex part of the digest, the file name in an OCI layout. */
  public String hex() {
    return digest.substring("sha256:".length());
  }
}
