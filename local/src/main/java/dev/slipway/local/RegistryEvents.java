package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local registry's pushes, as ECR sees them: the registry (distribution) posts a notification
 * for every manifest pushed to it (its {@code notifications} configuration names this listener),
 * and each tagged one is handed to {@link Pushes}, which plays what ECR does on a push. So an image
 * pushed by Slipway's own image build, by {@code slipway image --to}, or by any OCI client is seen
 * alike. Nothing in a notification is trusted but the names: the handler reads the image back from
 * the registry by digest.
 */
final class RegistryEvents implements AutoCloseable {
  /** What ECR does with one tagged push. */
  interface Pushes {
    void pushed(String repository, String tag, String digest) throws Exception;
  }

  private static final Set<String> MANIFEST_TYPES =
      Set.of(
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private final HttpServer server;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r));
  private final PrintStream log;
  private volatile Pushes pushes;

  RegistryEvents(PrintStream log) throws IOException {
    this.log = log;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/registry-events", this::receive);
    server.start();
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "registry-events");
    t.setDaemon(true);
    return t;
  }

  /** The URL the registry's configuration names. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/registry-events";
  }

  /** From now on, pushes go to {@code handler}; before, the registry is asked to send again. */
  void deliverTo(Pushes handler) {
    this.pushes = handler;
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      Pushes handler = pushes;
      if (handler == null || !exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(handler == null ? 503 : 405, -1);
        return;
      }
      byte[] body = exchange.getRequestBody().readNBytes(1 << 20);
      JsonNode envelope;
      try {
        envelope = Json.parse(new String(body, StandardCharsets.UTF_8), "$");
      } catch (RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      for (JsonNode event : envelope.path("events")) {
        JsonNode target = event.path("target");
        String tag = target.path("tag").asText("");
        if (event.path("action").asText().equals("push")
            && MANIFEST_TYPES.contains(target.path("mediaType").asText())
            && !tag.isEmpty()) {
          String repository = target.path("repository").asText();
          String digest = target.path("digest").asText();
          worker.execute(
              () -> {
                try {
                  handler.pushed(repository, tag, digest);
                } catch (Exception e) {
                  log.println("  registry push " + repository + ":" + tag + ": " + e.getMessage());
                }
              });
        }
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** The registry's configuration for this listener: every manifest push, no pulls, no blobs. */
  String configuration() {
    return "notifications:\n"
        + "  endpoints:\n"
        + "    - name: slipway\n"
        + "      url: "
        + url()
        + "\n"
        + "      timeout: 2s\n"
        + "      threshold: 5\n"
        + "      backoff: 1s\n"
        + "      ignore:\n"
        + "        actions: [pull, delete, mount]\n"
        + "        mediatypes: [application/octet-stream]\n";
  }

  @Override
  public void close() {
    server.stop(0);
    worker.shutdownNow();
  }
}
