package dev.slipway.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.Pipeline;
import dev.slipway.event.Step;
import dev.slipway.json.Json;
import dev.slipway.json.JsonField;
import dev.slipway.json.JsonProblem;
import dev.slipway.release.ManifestGrammar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A person's approval or rejection, behind the stack's IAM-authenticated function URL (architecture
 * §5): {@code POST /approve} or {@code POST /reject} with {@code {"releaseId": ..., "reason":
 * ...}}, {@code POST /promote} with {@code {"releaseId": ..., "to": ENVIRONMENT, "reason": ...}},
 * or {@code POST /rollback} with {@code {"service": ..., "to": ..., "reason": ...}}, SigV4-signed
 * by the caller (`slipway approve` does). Lambda has already authenticated the caller and checked
 * the URL's resource policy (who may steer is an IAM permission, not the upload's); the identity
 * recorded is the caller ARN Lambda passes in {@code requestContext.authorizer.iam.userArn}, never
 * a name in the request. Slipway's own events on the bus no longer decide anything.
 */
public final class ApprovalHandler extends SlipwayHandler {
  public ApprovalHandler() {
    super(Step.APPROVAL);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public ApprovalHandler(Pipeline pipeline, PrintStream log) {
    super(Step.APPROVAL, pipeline, log);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    byte[] bytes = input.readNBytes(MAX_PAYLOAD_BYTES + 1);
    JsonNode request;
    try {
      request = Json.parse(new String(bytes, StandardCharsets.UTF_8), "$");
    } catch (JsonProblem e) {
      output.write(response(400, "malformed request: " + e.problem()));
      return;
    }
    output.write(steer(request));
  }

  /** The function URL response (payload format 2.0) to one request. */
  byte[] steer(JsonNode request) throws IOException {
    JsonNode http = request.path("requestContext").path("http");
    if (http.isMissingNode()) {
      return response(400, "not a function URL request");
    }
    String caller =
        request.path("requestContext").path("authorizer").path("iam").path("userArn").asText("");
    if (caller.isEmpty()) {
      // Only a URL with AuthType AWS_IAM passes the authenticated caller; refuse anything else.
      return response(403, "the steering URL takes only IAM-authenticated requests");
    }
    String path = request.path("rawPath").asText("");
    if (!List.of("/approve", "/reject", "/promote", "/rollback").contains(path)) {
      return response(
          404,
          "no steering action "
              + JsonField.quote(path)
              + " (/approve, /reject, /promote, /rollback)");
    }
    if (!http.path("method").asText().equals("POST")) {
      return response(405, path + " takes POST");
    }
    String text = request.path("body").asText("");
    if (request.path("isBase64Encoded").asBoolean(false)) {
      text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
    try {
      JsonField body = JsonField.root(Json.parse(text, "$")).requireObject();
      String reason = body.get("reason").textOrNull();
      if (reason != null && !ManifestGrammar.REASON.matcher(reason).matches()) {
        return response(400, "reason must be 1-500 printable characters");
      }
      String fallbackId = path + caller + text.hashCode();
      String requestId = request.path("requestContext").path("requestId").asText(fallbackId);
      return switch (path) {
        case "/rollback" -> rollBack(body, caller, reason, requestId);
        case "/promote" -> promote(body, caller, reason, requestId);
        default -> decide(path, body, caller, reason, requestId);
      };
    } catch (JsonProblem e) {
      return response(400, e.path().replaceFirst("^\\$\\.?", "") + ": " + e.problem());
    }
  }

  private byte[] decide(String path, JsonField body, String caller, String reason, String requestId)
      throws IOException, JsonProblem {
    Pipeline.Decision decision =
        path.equals("/approve") ? Pipeline.Decision.APPROVE : Pipeline.Decision.REJECT;
    String releaseId = body.get("releaseId").nonBlankText();
    if (!ManifestGrammar.RELEASE_ID.matcher(releaseId).matches()) {
      return response(400, "releaseId " + JsonField.quote(releaseId) + " is not a release id");
    }
    if (decision == Pipeline.Decision.REJECT && reason == null) {
      return response(400, "reason: a rejection says why");
    }
    Pipeline.Handled outcome = pipeline().steer(decision, releaseId, caller, reason, requestId);
    return answer(outcome, decision + " " + releaseId, caller, requestId);
  }

  /** {@code {"releaseId": ..., "to": ENVIRONMENT, "reason": ...}}: a promotion. */
  private byte[] promote(JsonField body, String caller, String reason, String requestId)
      throws IOException, JsonProblem {
    String releaseId = body.get("releaseId").nonBlankText();
    if (!ManifestGrammar.RELEASE_ID.matcher(releaseId).matches()) {
      return response(400, "releaseId " + JsonField.quote(releaseId) + " is not a release id");
    }
    String to = body.get("to").nonBlankText();
    if (!ManifestGrammar.SERVICE.matcher(to).matches()) {
      return response(400, "to " + JsonField.quote(to) + " is not an environment name");
    }
    Pipeline.Handled outcome = pipeline().promote(releaseId, to, caller, reason, requestId);
    return answer(outcome, "PROMOTE " + releaseId + " to " + to, caller, requestId);
  }

  /** {@code {"service": ..., "to": RELEASE_ID?, "reason": ...}}: a rollback through the engine. */
  private byte[] rollBack(JsonField body, String caller, String reason, String requestId)
      throws IOException, JsonProblem {
    String service = body.get("service").nonBlankText();
    if (!ManifestGrammar.SERVICE.matcher(service).matches()) {
      return response(400, "service " + JsonField.quote(service) + " is not a service name");
    }
    String to = body.get("to").textOrNull();
    if (to != null && !ManifestGrammar.RELEASE_ID.matcher(to).matches()) {
      return response(400, "to " + JsonField.quote(to) + " is not a release id");
    }
    Pipeline.Handled outcome = pipeline().rollBack(service, to, caller, reason, requestId);
    return answer(outcome, "ROLLBACK " + service, caller, requestId);
  }

  /** 200 with the release as it stands; 409 for a refusal, 404 for nothing to act on. */
  private byte[] answer(Pipeline.Handled outcome, String what, String caller, String requestId)
      throws IOException {
    if (outcome instanceof Pipeline.Handled.Applied applied) {
      logLine("info", null, requestId, what + " by " + caller + ": " + applied.release().id());
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("releaseId", applied.release().id())
          .put("state", applied.release().state().name())
          .put("environment", applied.release().currentEnvironment())
          .put("by", caller);
      return response(200, body);
    }
    if (outcome instanceof Pipeline.Handled.Refused refused) {
      return response(409, refused.reason());
    }
    return response(404, ((Pipeline.Handled.Ignored) outcome).reason());
  }

  private static byte[] response(int status, String message) throws IOException {
    return response(status, Json.mapper().createObjectNode().put("message", message));
  }

  private static byte[] response(int status, ObjectNode body) throws IOException {
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("statusCode", status);
    out.putObject("headers").put("content-type", "application/json");
    out.put("body", body.toString());
    return Json.mapper().writeValueAsBytes(out);
  }
}
