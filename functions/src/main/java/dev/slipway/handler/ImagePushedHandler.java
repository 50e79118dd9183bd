package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.Step;
import java.io.PrintStream;

/** The Lambda handler for the push step: record the image digest and its platform images. */
public final class ImagePushedHandler extends SlipwayHandler {
  public ImagePushedHandler() {
    super(Step.IMAGE_PUSHED);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ImagePushedHandler(Pipeline pipeline, PrintStream log) {
    super(Step.IMAGE_PUSHED, pipeline, log);
  }
}
