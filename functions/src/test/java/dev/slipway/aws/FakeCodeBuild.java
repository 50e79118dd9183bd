package dev.slipway.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CodeBuild's side of {@code StartBuild} and {@code BatchGetBuilds}, on loopback, speaking the real
 * JSON 1.1 protocol so the SDK client and Slipway's adapter run unchanged. Why not moto: moto's
 * CodeBuild answers carry timestamps the Java SDK cannot parse, and it never runs a build; here the
 * test plays CodeBuild and then sends the state-change events AWS would send.
 */
final class FakeCodeBuild implements AutoCloseable {
  final List<JsonNode> started = new CopyOnWriteArrayList<>();
  final List<String> arns = new CopyOnWriteArrayList<>();

  /** The build ids each BatchGetBuilds asked for, in order. */
  final List<String> looked = new CopyOnWriteArrayList<>();

  final Map<String, String> statuses = new ConcurrentHashMap<>();
  private final Map<String, String> byToken = new ConcurrentHashMap<>();
  private final HttpServer server;

  FakeCodeBuild() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
          JsonNode request =
              Json.parse(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                  "$");
          ObjectNode response = Json.mapper().createObjectNode();
          if (target != null && target.endsWith(".StartBuild")) {
            String project = request.path("projectName").asText();
            String token = request.path("idempotencyToken").asText();
            String id =
                byToken.computeIfAbsent(
                    token,
                    t -> {
                      String newId = project + ":" + UUID.randomUUID();
                      started.add(request);
                      arns.add("arn:aws:codebuild:us-east-1:123456789012:build/" + newId);
                      return newId;
                    });
            statuses.putIfAbsent(id, "IN_PROGRESS");
            build(response.putObject("build"), id);
          } else if (target != null && target.endsWith(".BatchGetBuilds")) {
            var builds = response.putArray("builds");
            for (JsonNode id : request.path("ids")) {
              looked.add(id.asText());
              if (statuses.containsKey(id.asText())) {
                build(builds.addObject(), id.asText());
              }
            }
          } else {
            exchange.sendResponseHeaders(400, -1);
            return;
          }
          byte[] body = Json.mapper().writeValueAsBytes(response);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  private void build(ObjectNode build, String id) {
    String project = id.substring(0, id.indexOf(':'));
    build.put("id", id);
    build.put("arn", "arn:aws:codebuild:us-east-1:123456789012:build/" + id);
    build.put("projectName", project);
    build.put("buildStatus", statuses.get(id));
    build.put("startTime", 1795773600.0);
    if (project.equals("slipway-compile")) {
      // CodeBuild reports the SHA-256 of a ZIP-packaged artifact; the image build is pinned to it.
      build.putObject("artifacts").put("sha256sum", checksum(id));
    }
  }

  /** The build id ({@code project:uuid}) of a build ARN. */
  static String id(String arn) {
    return arn.substring(arn.indexOf(":build/") + ":build/".length());
  }

  /** The artifact checksum this fake reports for compile build {@code id}. */
  static String checksum(String id) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void reset() {
    started.clear();
    looked.clear();
    arns.clear();
    statuses.clear();
    byToken.clear();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
