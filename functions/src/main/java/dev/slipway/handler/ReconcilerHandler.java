package dev.slipway.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.slipway.engine.Pipeline;
import dev.slipway.engine.Unavailable;
import dev.slipway.event.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled reconciler: on every tick (whatever the schedule's payload) it finishes pending
 * effects, ends finished bakes, and asks CodeBuild, the scanners and ECS about releases stuck
 * because a best-effort event never came.
 */
public final class ReconcilerHandler extends SlipwayHandler {
  public ReconcilerHandler() {
    super(Step.RECONCILER);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ReconcilerHandler(Pipeline pipeline, PrintStream log) {
    super(Step.RECONCILER, pipeline, log);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readNBytes(MAX_PAYLOAD_BYTES);
    try {
      int moved = pipeline().reconcile();
      logLine("info", null, null, "reconciled; " + moved + " release(s) moved");
      // Delivered through its queue, the tick is one SQS message: none of it failed.
      output.write(
          ("{\"batchItemFailures\":[],\"moved\":" + moved + "}").getBytes(StandardCharsets.UTF_8));
    } catch (Unavailable e) {
      logLine("warn", null, null, "reconcile incomplete, next tick retries: " + e.getMessage());
      output.write("{\"batchItemFailures\":[],\"moved\":0}".getBytes(StandardCharsets.UTF_8));
    }
  }
}
