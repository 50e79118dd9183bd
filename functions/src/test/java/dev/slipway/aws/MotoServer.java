package dev.slipway.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
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
 * {@code moto_server}, the AWS emulator, on a free loopback port for the integration tests ({@code
 * pip install 'moto[server]'}; {@code .ci/run} installs it when missing). Without it these tests
 * are skipped with a message on a developer machine and fail under CI.
 */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  public final String endpoint;

  private MotoServer(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    String binary = find("moto_server");
    if (binary == null) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(
            "moto_server is not installed; .ci/run should have installed it");
      }
      assumeTrue(
          false, "moto_server not installed (pip install 'moto[server]'): emulator tests skipped");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("moto", ".log");
    Process process =
        new ProcessBuilder(binary, "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    MotoServer moto = new MotoServer(process, "http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 200; i++) {
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create(moto.endpoint + "/moto-api/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return moto;
        }
      } catch (IOException starting) {
        // not up yet
      }
      Thread.sleep(100);
    }
    moto.close();
    throw new IllegalStateException("moto_server did not start; see " + log);
  }

  /** SDK clients of every service Slipway uses, pointed at this emulator with test credentials. */
  public AwsClients clients(String region) {
    return new AwsClients(
        java.util.Map.of("AWS_REGION", region, "AWS_ENDPOINT_URL", endpoint),
        AwsClients.EMULATOR_CREDENTIALS);
  }

  /** POSTs JSON to a moto-api endpoint (result queues for scans and findings). */
  public void post(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          path + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static String find(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
