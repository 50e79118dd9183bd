package dev.slipway.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry (distribution, Debian's {@code docker-registry}) on a free loopback port,
 * storing into a temporary directory; {@code .ci/run} installs it. Without it the tests that need
 * it are skipped with a message on a developer machine, and fail under CI.
 */
final class RegistryProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private RegistryProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static RegistryProcess start(Path dir) throws IOException, InterruptedException {
    return start(dir, false);
  }

  /** A registry; {@code readOnly} puts it in maintenance mode, where it refuses every push. */
  static RegistryProcess start(Path dir, boolean readOnly)
      throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/docker-registry");
    if (!Files.isExecutable(binary)) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(
            "docker-registry is not installed; .ci/run should have installed it");
      }
      assumeTrue(
          false,
          "docker-registry not installed (apt-get install docker-registry): registry tests skipped");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path config = dir.resolve("registry.yml");
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log:\n  level: warn\n"
            + "storage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("data")
            + "\n"
            + (readOnly ? "  maintenance:\n    readonly:\n      enabled: true\n" : "")
            + "http:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    Process process =
        new ProcessBuilder(binary.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    RegistryProcess registry = new RegistryProcess(process, port);
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return registry;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(100);
    }
    registry.close();
    throw new IllegalStateException(
        "docker-registry did not start; see " + dir.resolve("registry.log"));
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
