package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import java.io.PrintStream;
import java.util.Set;

/**
 * The Lambda handler for the source upload step: read and validate the archive, start the compile
 * build.
 */
public final class SourceUploadedHandler extends SlipwayHandler {
  static final Set<String> KINDS = Set.of("s3.object-created");

  public SourceUploadedHandler() {
    super(KINDS);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public SourceUploadedHandler(Pipeline pipeline, PrintStream log) {
    super(pipeline, KINDS, log);
  }
}
