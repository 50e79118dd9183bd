package dev.slipway.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** moto_server, the AWS emulator, as the local runtime and the tests start and drive it. */
public final class Moto {
  private Moto() {}

  /** The moto Slipway installs for itself when {@code moto_server} is not on the PATH. */
  public static final String VERSION = "5.2.1";

  /** How to install it by hand. */
  public static final String INSTALL = "pip install 'moto[server]==" + VERSION + "'";

  /**
   * {@code moto_server}: the one on the PATH when there is one (a user's own), else one Slipway
   * installs into a virtual environment under its cache directory.
   */
  public static Path program(Path cache, PrintStream log) throws IOException {
    String onPath = ManagedProcess.find("moto_server");
    if (onPath != null) {
      return Path.of(onPath);
    }
    return Installs.pip(
        cache,
        "moto",
        VERSION,
        "moto[server]==" + VERSION,
        "moto_server",
        "the local AWS emulator",
        log);
  }

  /**
   * moto on a free loopback port, answering as {@code account}, logging to {@code log}; installed
   * first under {@code cache} when it is missing (saying so on {@code out}).
   */
  public static ManagedProcess start(String account, Path log, Path cache, PrintStream out)
      throws IOException, InterruptedException {
    return ManagedProcess.start(
        List.of(program(cache, out).toString(), "-H", "127.0.0.1", "-p", "{port}"),
        Map.of("MOTO_ACCOUNT_ID", account),
        "http://127.0.0.1:{port}/moto-api/",
        log,
        INSTALL);
  }

  /** The endpoint of a moto started by {@link #start}. */
  public static String endpoint(ManagedProcess moto) {
    return "http://127.0.0.1:" + moto.port;
  }

  /** POSTs JSON to moto's own API (reset, result queues for scans and findings). */
  public static void post(String endpoint, String path, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
    }
  }
}
