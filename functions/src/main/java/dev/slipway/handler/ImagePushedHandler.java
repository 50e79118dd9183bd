package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import java.io.PrintStream;
import java.util.Set;

/** The Lambda handler for the push step: record the image digest and its platform images. */
public final class ImagePushedHandler extends SlipwayHandler {
  static final Set<String> KINDS = Set.of("ecr.image-action");

  public ImagePushedHandler() {
    super(KINDS);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ImagePushedHandler(Pipeline pipeline, PrintStream log) {
    super(pipeline, KINDS, log);
  }
}
