package dev.slipway.emulator;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A helper process of the local runtime and the tests (the emulator, the registry), started on a
 * free loopback port and health-checked. Not used on Lambda; it lives here so that the runtime and
 * every module's tests start these processes one way.
 */
public final class ManagedProcess implements AutoCloseable {
  private final Process process;
  public final int port;

  private ManagedProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code argv} (with {@code {port}} replaced) and waits until {@code probe} answers 200.
   */
  public static ManagedProcess start(
      List<String> argv, Map<String, String> env, String probe, Path log, String installHint)
      throws IOException, InterruptedException {
    String program = find(argv.get(0));
    if (program == null) {
      throw new IOException(argv.get(0) + " is not installed (" + installHint + ")");
    }
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(program);
    argv.subList(1, argv.size())
        .forEach(a -> command.add(a.replace("{port}", Integer.toString(port))));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    for (var e : env.entrySet()) {
      builder.environment().put(e.getKey(), e.getValue().replace("{port}", Integer.toString(port)));
    }
    Process process = builder.start();
    ManagedProcess managed = new ManagedProcess(process, port);
    HttpClient http = HttpClient.newHttpClient();
    String url = probe.replace("{port}", Integer.toString(port));
    for (int i = 0; i < 300; i++) {
      if (!process.isAlive()) {
        throw new IOException(argv.get(0) + " exited at start; see " + log);
      }
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return managed;
        }
      } catch (IOException starting) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    managed.close();
    throw new IOException(argv.get(0) + " did not answer " + url + "; see " + log);
  }

  public long pid() {
    return process.pid();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** {@code program}'s path: itself when it is a path, else the first on the PATH; null if none. */
  public static String find(String program) {
    if (program.contains(File.separator)) {
      return Files.isExecutable(Path.of(program)) ? program : null;
    }
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
