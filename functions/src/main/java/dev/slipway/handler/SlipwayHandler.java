package dev.slipway.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.Wiring;
import dev.slipway.engine.Pipeline;
import dev.slipway.engine.ReleaseEngine;
import dev.slipway.engine.Unavailable;
import dev.slipway.event.EventParser;
import dev.slipway.event.EventView;
import dev.slipway.event.ParseResult;
import dev.slipway.event.Step;
import dev.slipway.json.Json;
import dev.slipway.json.JsonProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.crac.Core;
import org.crac.Resource;

/**
 * What every step's handler shares: it accepts an EventBridge event directly, or an SQS batch whose
 * messages carry one (the rules' queues, the local dispatcher, DLQ redrives) and then reports
 * partial batch failures, so one bad message is retried or dead-lettered alone. Events of kinds the
 * step does not own (by the registry, {@link Step#kinds}) are ignored with a log line. One JSON log
 * line per event; no payloads, no secrets.
 */
public abstract class SlipwayHandler implements RequestStreamHandler, Resource {
  /** The Lambda payload limit; anything larger cannot have come from Lambda. */
  static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

  private final Pipeline pipeline;
  private final Step step;
  private final EventParser parser = new EventParser();
  private final PrintStream log;

  /** For Lambda: wires the AWS adapters from the environment, once per container. */
  protected SlipwayHandler(Step step) {
    this(step, Wiring.pipeline(System.getenv(), Clock.systemUTC()), System.out);
    Core.getGlobalContext().register(this);
  }

  /** For tests and the local runtime: any pipeline, any log. */
  protected SlipwayHandler(Step step, Pipeline pipeline, PrintStream log) {
    this.step = step;
    this.pipeline = pipeline;
    this.log = log;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    byte[] bytes = input.readNBytes(MAX_PAYLOAD_BYTES + 1);
    if (bytes.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payload is larger than the Lambda limit");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    JsonNode root;
    try {
      root = Json.parse(text, "$");
    } catch (JsonProblem e) {
      logLine("error", null, null, "malformed payload: " + e.getMessage());
      throw new IllegalArgumentException("malformed payload: " + e.getMessage());
    }
    if (isSqsBatch(root)) {
      // Lambda's partial batch response (ReportBatchItemFailures), written as the tree it is:
      // aws-lambda-java-events' SQSBatchResponse brought 2 MiB of jar and joda-time for it.
      ObjectNode response = Json.mapper().createObjectNode();
      var failures = response.putArray("batchItemFailures");
      for (JsonNode record : root.get("Records")) {
        String messageId = record.path("messageId").asText();
        if (!handleText(record.path("body").asText(""), messageId)) {
          failures.addObject().put("itemIdentifier", messageId);
        }
      }
      output.write(Json.mapper().writeValueAsBytes(response));
      return;
    }
    if (!handleText(text, null)) {
      throw new IllegalStateException("the event could not be handled; see the log line above");
    }
    output.write("{}".getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isSqsBatch(JsonNode root) {
    JsonNode records = root.path("Records");
    return records.isArray()
        && !records.isEmpty()
        && "aws:sqs".equals(records.get(0).path("eventSource").asText());
  }

  /** Handles every event in one message; false when any failed and the message must come again. */
  private boolean handleText(String text, String messageId) {
    boolean ok = true;
    for (ParseResult result : parser.parse(text)) {
      ok &= handleOne(result, messageId);
    }
    return ok;
  }

  private boolean handleOne(ParseResult result, String messageId) {
    if (result instanceof ParseResult.Malformed malformed) {
      logLine("error", messageId, null, "malformed event: " + malformed.message());
      return false;
    }
    if (result instanceof ParseResult.Ignored ignored) {
      logLine(
          "info", messageId, null, "ignored " + ignored.source() + " / " + ignored.detailType());
      return true;
    }
    var event = ((ParseResult.Parsed) result).event();
    if (event.eventKind().step().orElse(null) != step) {
      logLine(
          "info", messageId, event.meta().id(), "ignored " + event.kind() + ": not this step's");
      return true;
    }
    try {
      Pipeline.Handled outcome = pipeline.handle(event);
      if (outcome instanceof Pipeline.Handled.Applied applied) {
        logLine(
            "info",
            messageId,
            event.meta().id(),
            event.kind() + " -> " + applied.release().id() + " " + applied.release().state());
      } else {
        logLine(
            "info",
            messageId,
            event.meta().id(),
            event.kind() + " ignored: " + ((Pipeline.Handled.Ignored) outcome).reason());
      }
      return true;
    } catch (Unavailable | ReleaseEngine.RetryLater e) {
      logLine(
          "warn",
          messageId,
          event.meta().id(),
          event.kind() + " will be retried: " + e.getMessage());
      return false;
    } catch (RuntimeException e) {
      logLine("error", messageId, event.meta().id(), event.kind() + " failed: " + e);
      return false;
    }
  }

  /** The step this handler runs. */
  public Step step() {
    return step;
  }

  /** The pipeline, for the reconciler. */
  protected Pipeline pipeline() {
    return pipeline;
  }

  protected void logLine(String level, String messageId, String eventId, String message) {
    ObjectNode line = Json.mapper().createObjectNode();
    line.put("level", level);
    line.put("handler", getClass().getSimpleName());
    if (messageId != null) {
      line.put("messageId", messageId);
    }
    if (eventId != null) {
      line.put("eventId", eventId);
    }
    line.put("message", message);
    log.println(line);
  }

  /**
   * SnapStart priming (issue 19): before the snapshot, exercise the event parser and the JSON
   * mapper, the ledger's records and an upload's check ({@link Priming}), then the clients ({@link
   * Pipeline#prime}: one harmless ledger read for the S3 client, TLS and a real answer's parsing,
   * and each other call the adapters make, answered without the network by {@link
   * dev.slipway.aws.AwsClients#prime}), so the first real event after a restore pays for little
   * class loading and no client building. Never fails the checkpoint; says in one log line what it
   * primed, or where it stopped.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    try (InputStream sample = SlipwayHandler.class.getResourceAsStream("/priming-event.json")) {
      if (sample != null) {
        for (ParseResult result :
            parser.parse(new String(sample.readAllBytes(), StandardCharsets.UTF_8))) {
          Json.mapper().writeValueAsString(EventView.of(result));
        }
      }
      Priming.records();
      Priming.sourceCheck();
      logLine("info", null, null, "primed: " + pipeline.prime() + " client calls");
    } catch (Throwable e) {
      // priming is an optimisation: a failure here must never fail the checkpoint
      logLine("warn", null, null, "priming stopped: " + e);
    }
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // SDK clients reconnect lazily; nothing to refresh.
  }
}
