package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import java.io.PrintStream;
import java.util.Set;

/** The Lambda handler for the build step: record build starts and ends, start the image build. */
public final class BuildStateHandler extends SlipwayHandler {
  static final Set<String> KINDS = Set.of("codebuild.build-state");

  public BuildStateHandler() {
    super(KINDS);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public BuildStateHandler(Pipeline pipeline, PrintStream log) {
    super(pipeline, KINDS, log);
  }
}
