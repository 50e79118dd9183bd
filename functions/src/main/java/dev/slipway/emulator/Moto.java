package dev.slipway.emulator;

import java.io.IOException;
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

  /** How to install it when it is missing. */
  public static final String INSTALL = "pip install 'moto[server]'";

  /** moto on a free loopback port, answering as {@code account}, logging to {@code log}. */
  public static ManagedProcess start(String account, Path log)
      throws IOException, InterruptedException {
    return ManagedProcess.start(
        List.of("moto_server", "-H", "127.0.0.1", "-p", "{port}"),
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
