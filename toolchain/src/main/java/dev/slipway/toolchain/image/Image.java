package dev.slipway.toolchain.image;

import java.util.List;

/**
 * An assembled multi-platform image: one manifest (with its config and layers) per platform, and
 * the index over them. Everything is content-addressed and in memory until pushed or written.
 */
public record Image(Blob index, List<PlatformImage> platforms) {
  public Image {
    platforms = List.copyOf(platforms);
  }

  /** One platform's image. {@code layers} are in order, base layers first. */
  public record PlatformImage(String platform, Blob manifest, Blob config, List<Blob> layers) {
    public PlatformImage {
      layers = List.copyOf(layers);
    }
  }
}
