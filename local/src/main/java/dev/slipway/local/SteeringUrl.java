package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.handler.SlipwayHandler;
import dev.slipway.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steering function's URL, served as Lambda serves an {@code AWS_IAM} function URL: a request
 * without a SigV4 signature is refused; the caller is the identity its access key names (locally
 * {@code arn:aws:iam::<account>:user/<access key id>}); it must be allowed by the function's
 * resource policy in the template for both {@code lambda:InvokeFunctionUrl} and {@code
 * lambda:InvokeFunction} (a principal naming the caller, or the caller's account, whose local
 * identities are its administrators); the handler gets the request in payload format 2.0 with the
 * caller in {@code requestContext.authorizer.iam}. Not checked here: the signature itself (the
 * secret keys are the caller's own), which AWS verifies.
 */
final class SteeringUrl implements AutoCloseable {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Za-z0-9]+)/");

  private final HttpServer server;
  private final SlipwayHandler handler;
  private final TemplateRules.UrlSpec spec;
  private final String account;
  private final PrintStream log;

  SteeringUrl(SlipwayHandler handler, TemplateRules.UrlSpec spec, String account, PrintStream log)
      throws IOException {
    this.handler = handler;
    this.spec = spec;
    this.account = account;
    this.log = log;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Whether a resource-policy principal lets {@code caller} (an IAM user ARN) in. */
  static boolean allows(List<String> principals, String caller, String account) {
    for (String principal : principals) {
      if (principal.equals(caller)
          || principal.equals(account)
          || principal.equals("arn:aws:iam::" + account + ":root")) {
        return true;
      }
    }
    return false;
  }

  private void serve(HttpExchange exchange) throws IOException {
    try {
      byte[] body = exchange.getRequestBody().readNBytes(6 * 1024 * 1024);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Matcher key = CREDENTIAL.matcher(authorization == null ? "" : authorization);
      if (!spec.authType().equals("AWS_IAM") || !key.find()) {
        send(exchange, 403, "{\"Message\":\"Forbidden\"}");
        return;
      }
      String accessKey = key.group(1);
      String caller = "arn:aws:iam::" + account + ":user/" + accessKey;
      if (!allows(spec.urlPrincipals(), caller, account)
          || !allows(spec.invokePrincipals(), caller, account)) {
        log.println("slipway local: steering URL: " + caller + " may not invoke it");
        send(
            exchange,
            403,
            "{\"Message\":\"Forbidden. For troubleshooting Function URL authorization issues, see:"
                + " https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html\"}");
        return;
      }
      ObjectNode event = Json.mapper().createObjectNode();
      String path = exchange.getRequestURI().getRawPath();
      event.put("version", "2.0").put("rawPath", path);
      event.put("rawQueryString", String.valueOf(exchange.getRequestURI().getRawQuery()));
      ObjectNode headers = event.putObject("headers");
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      ObjectNode context = event.putObject("requestContext");
      context.put("accountId", "anonymous").put("requestId", UUID.randomUUID().toString());
      context.put("time", Instant.now().toString());
      context
          .putObject("authorizer")
          .putObject("iam")
          .put("accessKey", accessKey)
          .put("accountId", account)
          .put("callerId", accessKey)
          .put("userArn", caller)
          .put("userId", accessKey);
      context
          .putObject("http")
          .put("method", exchange.getRequestMethod())
          .put("path", path)
          .put("protocol", "HTTP/1.1")
          .put("sourceIp", "127.0.0.1");
      event.put("body", new String(body, StandardCharsets.UTF_8)).put("isBase64Encoded", false);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.handleRequest(
          new ByteArrayInputStream(Json.mapper().writeValueAsBytes(event)), out, null);
      JsonNode response = Json.parse(out.toString(StandardCharsets.UTF_8), "$");
      send(exchange, response.path("statusCode").asInt(200), response.path("body").asText(""));
    } catch (RuntimeException e) {
      log.println("slipway local: steering URL: " + e);
      send(exchange, 502, "{\"Message\":\"Internal Server Error\"}");
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
