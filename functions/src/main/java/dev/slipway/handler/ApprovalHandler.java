package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import java.io.PrintStream;
import java.util.Set;

/** The Lambda handler for a person's approval or rejection. */
public final class ApprovalHandler extends SlipwayHandler {
  static final Set<String> KINDS = Set.of("slipway.release-approved", "slipway.release-rejected");

  public ApprovalHandler() {
    super(KINDS);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ApprovalHandler(Pipeline pipeline, PrintStream log) {
    super(pipeline, KINDS, log);
  }
}
