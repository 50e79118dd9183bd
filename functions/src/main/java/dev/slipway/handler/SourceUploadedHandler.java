package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.Step;
import java.io.PrintStream;

/**
 * The Lambda handler for the source upload step: read and validate the archive, start the compile
 * build.
 */
public final class SourceUploadedHandler extends SlipwayHandler {
  public SourceUploadedHandler() {
    super(Step.SOURCE_UPLOADED);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public SourceUploadedHandler(Pipeline pipeline, PrintStream log) {
    super(Step.SOURCE_UPLOADED, pipeline, log);
  }
}
