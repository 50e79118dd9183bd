package dev.slipway.engine;

import dev.slipway.release.Finding;
import java.util.List;

/** The image registry and its scanners, as the pipeline needs them (ECR and Inspector in AWS). */
public interface Images {

  /**
   * The image tagged {@code tag} in {@code repository}, empty when there is none (the reconciler's
   * way to find a push whose event was lost).
   */
  java.util.Optional<Tagged> tagged(String repository, String tag) throws Unavailable;

  /** An image found by its tag: the registry's host (null when unknown) and its digest. */
  record Tagged(String registry, String digest) {}

  /** The digests of the platform images under an index (empty for a single-platform image). */
  List<String> platformDigests(String repository, String digest) throws Unavailable;

  /**
   * The findings of the finished scan of one image, or null when no scan has finished yet. Never an
   * empty list for an image that was not scanned: a scan that cannot happen is {@link Unscannable},
   * one not seen yet is null, and only a finished scan is an answer.
   */
  List<Finding> findings(String repository, String digest) throws Unavailable, Unscannable;

  /** The scanner will not scan this image (unsupported, failed, expired); the message says why. */
  final class Unscannable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unscannable(String message) {
      super(message, null, false, false);
    }
  }
}
