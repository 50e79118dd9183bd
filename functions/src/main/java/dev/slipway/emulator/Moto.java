package dev.slipway.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
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
    Map<String, String> env = new HashMap<>();
    env.put("MOTO_ACCOUNT_ID", account);
    // SLIPWAY_MOTO_CACHES=off starts moto as it comes (the benchmarks' baseline; an escape hatch
    // should a moto version not take the caches).
    if (!"off".equals(System.getenv("SLIPWAY_MOTO_CACHES"))) {
      String pythonPath = System.getenv("PYTHONPATH");
      env.put(
          "PYTHONPATH",
          speedups(cache) + (pythonPath == null || pythonPath.isEmpty() ? "" : ":" + pythonPath));
    }
    return ManagedProcess.start(
        List.of(program(cache, out).toString(), "-H", "127.0.0.1", "-p", "{port}"),
        env,
        "http://127.0.0.1:{port}/moto-api/",
        log,
        INSTALL);
  }

  /**
   * The directory holding Slipway's {@code sitecustomize.py} for moto (two caches moto lacks; see
   * the file), written under {@code cache} when missing or different.
   */
  static Path speedups(Path cache) throws IOException {
    byte[] text;
    try (var in = Moto.class.getResourceAsStream("sitecustomize.py")) {
      if (in == null) {
        throw new IOException("sitecustomize.py is missing from Slipway's jar");
      }
      text = in.readAllBytes();
    }
    Path dir = Files.createDirectories(cache.resolve("moto-speedups"));
    Path file = dir.resolve("sitecustomize.py");
    if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), text)) {
      Path tmp = Files.createTempFile(dir, "sitecustomize", ".tmp");
      Files.write(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return dir;
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
