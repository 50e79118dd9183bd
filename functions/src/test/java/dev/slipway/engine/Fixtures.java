package dev.slipway.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import dev.slipway.release.ReleaseState;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What many tests share: the happy path's states, the engine's settings, an SQS batch. */
public final class Fixtures {
  private Fixtures() {}

  /** Every state of a release that goes live, in order. */
  public static final List<ReleaseState> TO_LIVE =
      List.of(
          ReleaseState.REQUESTED,
          ReleaseState.BUILDING,
          ReleaseState.IMAGE_READY,
          ReleaseState.SCANNING,
          ReleaseState.APPROVED,
          ReleaseState.DEPLOYING,
          ReleaseState.LIVE);

  /** The engine as the sample events expect it: hello-go declared, its 5xx alarm guarding it. */
  public static EngineConfig config() {
    return new EngineConfig(
        "slipway-sources-210987654321",
        "slipway-compile",
        "slipway-image",
        FakeWorld.DECLARATIONS,
        Map.of("hello-go-5xx", "hello-go"),
        Duration.ofMinutes(15));
  }

  /** A function URL request (payload 2.0) as Lambda passes it, from {@code caller} if any. */
  public static String urlRequest(String path, String body, String caller) {
    ObjectNode request = Json.mapper().createObjectNode();
    request.put("version", "2.0").put("rawPath", path).put("body", body);
    ObjectNode context = request.putObject("requestContext");
    context.put("requestId", "r-1").putObject("http").put("method", "POST").put("path", path);
    if (caller != null) {
      context.putObject("authorizer").putObject("iam").put("userArn", caller);
    }
    return request.toString();
  }

  /** An SQS batch as Lambda's event source mapping delivers it: messages m-1, m-2, ... */
  public static String sqsBatch(String... bodies) {
    ObjectNode batch = Json.mapper().createObjectNode();
    ArrayNode records = batch.putArray("Records");
    for (int i = 0; i < bodies.length; i++) {
      records
          .addObject()
          .put("messageId", "m-" + (i + 1))
          .put("eventSource", "aws:sqs")
          .put("body", bodies[i]);
    }
    return batch.toString();
  }
}
