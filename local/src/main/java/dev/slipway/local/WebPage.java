package dev.slipway.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.aws.S3Ledger;
import dev.slipway.engine.ReleaseLedger;
import dev.slipway.json.Json;
import dev.slipway.release.Finding;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseJson;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A small web page of the local releases, on loopback: the services, each release with its timeline
 * (states and times, build sizes, scan findings, deployment and bake), updating every second, and a
 * release's logs (its builds' and its tasks', from CloudWatch Logs as `slipway logs` reads them).
 * Read-only: GET only; it answers only requests addressed to its own loopback address (a page
 * elsewhere cannot reach it through DNS rebinding); every value reaches the page as text (the
 * scripts set textContent, never HTML), under a Content-Security-Policy that allows this origin
 * only.
 */
final class WebPage implements AutoCloseable {
  private static final String RESOURCES = "/dev/slipway/local/web/";
  private static final int RELEASES_SHOWN = 20;

  private final HttpServer server;
  private final ReleaseLedger ledger;
  private final S3Client s3;
  private final String bucket;
  private final CloudWatchLogsClient logs;
  private final EcsClient ecs;
  private final Map<String, ArrayNode> binaries = new ConcurrentHashMap<>();

  WebPage(
      S3Client s3,
      String bucket,
      CloudWatchLogsClient logs,
      EcsClient ecs,
      int port,
      PrintStream log)
      throws IOException {
    this.s3 = s3;
    this.bucket = bucket;
    this.ledger = new S3Ledger(s3, bucket, "ledger/");
    this.logs = logs;
    this.ecs = ecs;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            serve(exchange, log);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private void serve(HttpExchange exchange, PrintStream log) throws IOException {
    String host = exchange.getRequestHeaders().getFirst("Host");
    int port = server.getAddress().getPort();
    if (host == null || !(host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port))) {
      send(exchange, 403, "text/plain", "this page answers only at " + url());
      return;
    }
    if (!exchange.getRequestMethod().equals("GET")) {
      send(exchange, 405, "text/plain", "read-only: GET only");
      return;
    }
    String path = exchange.getRequestURI().getPath();
    try {
      switch (path) {
        case "/", "/index.html" -> send(exchange, 200, "text/html", resource("index.html"));
        case "/logs.html" -> send(exchange, 200, "text/html", resource("logs.html"));
        case "/page.js" -> send(exchange, 200, "text/javascript", resource("page.js"));
        case "/page.css" -> send(exchange, 200, "text/css", resource("page.css"));
        case "/api/releases" -> send(exchange, 200, "application/json", releases().toString());
        case "/api/logs" -> {
          String id = query(exchange, "release");
          Optional<Release> release =
              id == null
                  ? Optional.empty()
                  : dev.slipway.release.SourceRef.serviceOfReleaseId(id)
                      .flatMap(s -> ledger.read(s, id))
                      .map(ReleaseLedger.Versioned::value);
          if (release.isEmpty()) {
            send(exchange, 404, "text/plain", "no release " + id);
          } else {
            send(exchange, 200, "application/json", logsOf(release.get()).toString());
          }
        }
        default -> send(exchange, 404, "text/plain", "not found: " + path);
      }
    } catch (SdkException | dev.slipway.engine.ReleaseEngine.RetryLater e) {
      send(exchange, 503, "text/plain", "the emulator did not answer: " + e.getMessage());
    } catch (RuntimeException e) {
      log.println("slipway local: web page: " + e);
      send(exchange, 500, "text/plain", "internal error");
    }
  }

  private ObjectNode releases() {
    ObjectNode root = Json.mapper().createObjectNode();
    ArrayNode services = root.putArray("services");
    for (String service : ledger.services()) {
      List<ServiceView.Entry> entries =
          ledger.readIndex(service).map(i -> i.value().releases()).orElse(List.of());
      ObjectNode s = services.addObject().put("service", service);
      s.put(
          "live",
          entries.stream()
              .filter(e -> e.state() == ReleaseState.LIVE)
              .map(ServiceView.Entry::id)
              .findFirst()
              .orElse(null));
      ArrayNode list = s.putArray("releases");
      for (ServiceView.Entry e : entries.subList(0, Math.min(RELEASES_SHOWN, entries.size()))) {
        ledger
            .read(service, e.id())
            .map(ReleaseLedger.Versioned::value)
            .ifPresent(r -> list.add(view(r)));
      }
    }
    return root;
  }

  private ObjectNode view(Release r) {
    ObjectNode node = ReleaseJson.of(r, null);
    node.set("binaries", binaries(r));
    ArrayNode findings = node.putArray("findings");
    r.scans()
        .forEach(
            (digest, list) -> {
              for (Finding f : list) {
                findings
                    .addObject()
                    .put("image", digest)
                    .put("id", f.id())
                    .put("severity", f.severity().name())
                    .put("package", f.packageName())
                    .put("version", f.packageVersion());
              }
            });
    return node;
  }

  /** The compile build's report's binaries (read once it exists), else an empty list. */
  private ArrayNode binaries(Release r) {
    ArrayNode known = binaries.get(r.id());
    if (known != null) {
      return known;
    }
    ArrayNode out = Json.mapper().createArrayNode();
    if (r.compiled()) {
      try {
        var report =
            Json.parse(
                s3.getObjectAsBytes(
                        q -> q.bucket(bucket).key("builds/" + r.id() + "/build-report.json"))
                    .asUtf8String(),
                "$");
        for (var t : report.path("targets")) {
          out.addObject()
              .put("platform", t.path("platform").asText())
              .put("bytes", t.path("bytes").asLong())
              .put("compressed", t.path("compressed").asBoolean());
        }
        binaries.put(r.id(), out);
      } catch (SdkException | dev.slipway.json.JsonProblem none) {
        // not uploaded (yet): asked again on the next refresh
      }
    }
    return out;
  }

  private ObjectNode logsOf(Release r) {
    ObjectNode node = Json.mapper().createObjectNode().put("releaseId", r.id());
    ArrayNode builds = node.putArray("builds");
    for (ReleaseLogs.Line l : ReleaseLogs.buildLines(logs, r)) {
      builds
          .addObject()
          .put("at", l.at() == null ? null : l.at().toString())
          .put("source", l.source())
          .put("message", l.message());
    }
    ArrayNode tasks = node.putArray("tasks");
    if (r.deployment() != null && r.deployment().taskDefinitionArn() != null) {
      ReleaseLogs.tasks(ecs, r.deployment().taskDefinitionArn(), r.config().deploy().container())
          .ifPresent(
              where -> {
                for (ReleaseLogs.Line l : ReleaseLogs.taskLines(logs, where, 0)) {
                  tasks
                      .addObject()
                      .put("at", l.at().toString())
                      .put("source", l.source())
                      .put("message", l.message());
                }
              });
    }
    return node;
  }

  private static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = WebPage.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("missing resource " + RESOURCES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", type + "; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
