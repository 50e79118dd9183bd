package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.Step;
import java.io.PrintStream;

/** The Lambda handler for the build step: record build starts and ends, start the image build. */
public final class BuildStateHandler extends SlipwayHandler {
  public BuildStateHandler() {
    super(Step.BUILD_STATE);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public BuildStateHandler(Pipeline pipeline, PrintStream log) {
    super(Step.BUILD_STATE, pipeline, log);
  }
}
