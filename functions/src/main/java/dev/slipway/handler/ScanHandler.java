package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.Step;
import java.io.PrintStream;

/** The Lambda handler for the scan step: read the findings and apply the policy. */
public final class ScanHandler extends SlipwayHandler {
  public ScanHandler() {
    super(Step.SCAN);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ScanHandler(Pipeline pipeline, PrintStream log) {
    super(Step.SCAN, pipeline, log);
  }
}
