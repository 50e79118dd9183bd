package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import java.io.PrintStream;
import java.util.Set;

/** The Lambda handler for the scan step: read the findings and apply the policy. */
public final class ScanHandler extends SlipwayHandler {
  static final Set<String> KINDS = Set.of("ecr.image-scan", "inspector2.scan");

  public ScanHandler() {
    super(KINDS);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ScanHandler(Pipeline pipeline, PrintStream log) {
    super(pipeline, KINDS, log);
  }
}
