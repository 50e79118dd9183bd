package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.slipway.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AWS's refusal, played where requests reach "AWS" locally (the emulator's proxy and the CodeBuild
 * stand-in): a request signed with a handler's access key is judged against the identity policies
 * the synthesized template attaches to that function's role, and refused as the service refuses it.
 * Requests signed with any other key (the CLI, the stand-ins, the tests) pass, as an
 * administrator's would.
 */
final class IamEnforcer implements AutoCloseable {
  /** A handler's identity: its function, the role it runs as. */
  record Principal(String function, String roleName, String roleArn) {}

  /** A refused request, with AWS's message. */
  record Denial(String action, String resource, String message) {}

  private final IamSimulator simulator;
  private final String account;
  private final String region;
  private final PrintStream log;
  private final Map<String, Principal> byAccessKey = new ConcurrentHashMap<>();
  private final RequestCounts requests;

  IamEnforcer(
      IamSimulator simulator,
      String account,
      String region,
      PrintStream log,
      RequestCounts requests) {
    this.requests = requests;
    this.simulator = simulator;
    this.account = account;
    this.region = region;
    this.log = log;
  }

  /** Registers a role's policies; requests signed with {@code accessKey} are then judged as it. */
  void register(String accessKey, Principal principal, Map<String, JsonNode> policies)
      throws IOException {
    simulator.role(principal.roleArn(), policies);
    byAccessKey.put(accessKey, principal);
  }

  /**
   * Counts the request by who made it (a handler's function, {@code AWSCodeBuild}, or {@code
   * runtime} for any other key) and what it asks ({@code s3:GetObject}, or the signing service and
   * the operation or method when the request is not one IamRequest knows): every request judged
   * here is one that reached "AWS" (the proxy's and the CodeBuild stand-in's).
   */
  private void count(
      String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body) {
    String caller =
        IamRequest.accessKey(headers)
            .map(byAccessKey::get)
            .map(Principal::function)
            .orElse("runtime");
    String what =
        IamRequest.of(method, rawPath, rawQuery, headers, body, account, region)
            .map(r -> r.service() + ":" + r.operation())
            .orElseGet(() -> IamRequest.operation(method, headers));
    requests.add(caller, what);
  }

  /** The refusal AWS would give, or empty when the request may go on. */
  Optional<Denial> check(
      String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body) {
    if (!rawPath.startsWith("/moto-api/")) { // the runtime's back door to the emulator: not AWS
      count(method, rawPath, rawQuery, headers, body);
    }
    Optional<Principal> principal = IamRequest.accessKey(headers).map(byAccessKey::get);
    if (principal.isEmpty()) {
      return Optional.empty();
    }
    Principal who = principal.get();
    String user =
        "arn:aws:sts::" + account + ":assumed-role/" + who.roleName() + "/" + who.function();
    Optional<IamRequest> request =
        IamRequest.of(method, rawPath, rawQuery, headers, body, account, region);
    if (request.isEmpty()) {
      String what = method + " " + rawPath;
      Denial denial =
          new Denial(
              "?",
              what,
              "User: "
                  + user
                  + " made a request slipway local cannot authorize ("
                  + what
                  + "): add its IAM mapping to IamRequest");
      log.println("slipway local: IAM: " + denial.message());
      return Optional.of(denial);
    }
    for (IamRequest.Check check : request.get().checks()) {
      IamSimulator.Decision decision =
          simulator.evaluate(
              who.roleArn(), account, check.action(), check.resource(), check.context());
      if (!decision.allowed()) {
        String because =
            decision.detail().equals("ExplicitlyDenied")
                ? "with an explicit deny in an identity-based policy"
                : decision.detail().startsWith("not judged")
                    ? "(" + decision.detail() + ")"
                    : "because no identity-based policy allows the " + check.action() + " action";
        Denial denial =
            new Denial(
                check.action(),
                check.resource(),
                "User: "
                    + user
                    + " is not authorized to perform: "
                    + check.action()
                    + " on resource: "
                    + check.resource()
                    + " "
                    + because);
        log.println("slipway local: IAM: " + denial.message());
        return Optional.of(denial);
      }
    }
    return Optional.empty();
  }

  /** Answers {@code denial} in the request's protocol, with the status and code AWS uses. */
  static void refuse(HttpExchange exchange, Map<String, String> headers, Denial denial)
      throws IOException {
    String requestId = UUID.randomUUID().toString();
    String message = denial.message();
    String contentType;
    int status;
    String body;
    if (headers.containsKey("x-amz-target")) {
      status = 400;
      contentType = "application/x-amz-json-1.1";
      body =
          "{\"__type\":\"AccessDeniedException\",\"message\":"
              + Json.mapper().getNodeFactory().textNode(message).toString()
              + "}";
    } else if (headers.getOrDefault("content-type", "").startsWith("application/x-www-form")) {
      status = 403;
      contentType = "text/xml";
      body =
          "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
              + xml(message)
              + "</Message></Error><RequestId>"
              + requestId
              + "</RequestId></ErrorResponse>";
    } else if (headers.getOrDefault("authorization", "").contains("/inspector2/")) {
      status = 403;
      contentType = "application/json";
      exchange.getResponseHeaders().set("x-amzn-ErrorType", "AccessDeniedException");
      body = "{\"message\":" + Json.mapper().getNodeFactory().textNode(message).toString() + "}";
    } else {
      status = 403;
      contentType = "application/xml";
      body =
          "<Error><Code>AccessDenied</Code><Message>"
              + xml(message)
              + "</Message><RequestId>"
              + requestId
              + "</RequestId></Error>";
    }
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public void close() {
    simulator.close();
  }
}
