package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan is only as good as the commands in it: run its argv with the real Go toolchain for this
 * machine's platform, start the binary, and check the stamped version over HTTP; build twice from
 * two directories and compare bytes.
 */
class HelloGoBuildIT {
  private static final Path HELLO = Cli.root().resolve("examples/hello-go");

  @TempDir Path tmp;

  private JsonNode plan(Path tree, Path out, String releaseId) {
    Cli cli = Cli.run("plan", tree.toString(), "--release-id", releaseId, "--out", out.toString());
    assertThat(cli.code()).as(cli.err()).isZero();
    return Json.parse(cli.out(), "$");
  }

  private static String hostPlatform() {
    String arch = System.getProperty("os.arch");
    return "linux/" + (arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64");
  }

  private static JsonNode target(JsonNode plan, String platform) {
    for (JsonNode target : plan.get("targets")) {
      if (target.get("platform").asText().equals(platform)) {
        return target;
      }
    }
    throw new AssertionError("no target " + platform);
  }

  /** Runs a planned command in {@code dir} with the plan's environment over this one's. */
  private static void run(JsonNode command, Path dir) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    command.get("argv").forEach(a -> argv.add(a.asText()));
    ProcessBuilder builder =
        new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    command
        .get("env")
        .properties()
        .forEach(e -> builder.environment().put(e.getKey(), e.getValue().asText()));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("%s failed:%n%s", argv, output).isZero();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          if (!file.getFileName().toString().equals("dist")) {
            Files.createDirectories(target);
          }
        } else if (!from.relativize(file).startsWith("dist")) {
          Files.copy(file, target);
        }
      }
    }
  }

  @Test
  void plannedBuild_runsAndServesTheStampedVersion() throws Exception {
    Path tree = tmp.resolve("src");
    copyTree(HELLO, tree);
    JsonNode plan = plan(tree, tmp.resolve("out"), "hello-go-25f25853d6a0");
    for (JsonNode command : plan.get("prepare")) {
      run(command, tree);
    }
    run(plan.get("test"), tree);
    JsonNode target = target(plan, hostPlatform());
    run(target.get("build"), tree);
    Path binary = tmp.resolve("out").resolve(target.get("output").asText());
    assertThat(binary).isExecutable();

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder serve = new ProcessBuilder(binary.toString()).redirectErrorStream(true);
    serve.environment().put("PORT", Integer.toString(port));
    serve.redirectOutput(tmp.resolve("serve.log").toFile());
    Process server = serve.start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Map<String, String> bodies = new java.util.HashMap<>();
      for (String path : List.of("/healthz", "/readyz", "/version")) {
        bodies.put(path, get(http, port, path));
      }
      assertThat(bodies.get("/healthz")).contains("\"status\":\"ok\"");
      assertThat(bodies.get("/readyz")).contains("\"status\":\"ready\"");
      assertThat(bodies.get("/version")).contains("\"version\":\"hello-go-25f25853d6a0\"");
    } finally {
      server.destroy();
      assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("graceful shutdown on SIGTERM").isTrue();
    }
  }

  private static String get(HttpClient http, int port, String path) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return response.body();
        }
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no 200 from " + path, last);
  }

  @Test
  void plannedBuild_fromTwoDirectories_givesIdenticalBytes() throws Exception {
    List<String> digests = new ArrayList<>();
    for (String name : List.of("first", "second/nested")) {
      Path tree = tmp.resolve(name).resolve("src");
      Files.createDirectories(tree.getParent());
      copyTree(HELLO, tree);
      Path out = tmp.resolve(name).resolve("out");
      JsonNode plan = plan(tree, out, "r-1");
      JsonNode target = target(plan, "linux/arm64");
      run(target.get("build"), tree);
      byte[] bytes = Files.readAllBytes(out.resolve(target.get("output").asText()));
      digests.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
    assertThat(digests.get(0)).isEqualTo(digests.get(1));
  }
}
