package dev.slipway.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.emulator.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real OCI registry (distribution, Debian's {@code docker-registry}) on a free loopback port,
 * storing into a temporary directory; {@code .ci/run} installs it. Without it the tests that need
 * it are skipped with a message on a developer machine, and fail under CI.
 */
final class RegistryProcess implements AutoCloseable {
  private final ManagedProcess process;

  private RegistryProcess(ManagedProcess process) {
    this.process = process;
  }

  static RegistryProcess start(Path dir) throws IOException, InterruptedException {
    return start(dir, false);
  }

  /** A registry; {@code readOnly} puts it in maintenance mode, where it refuses every push. */
  static RegistryProcess start(Path dir, boolean readOnly)
      throws IOException, InterruptedException {
    if (ManagedProcess.find("docker-registry") == null) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(
            "docker-registry is not installed; .ci/run should have installed it");
      }
      assumeTrue(
          false,
          "docker-registry not installed (apt-get install docker-registry): registry tests skipped");
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
            + "http:\n  addr: 127.0.0.1:5000\n");
    return new RegistryProcess(
        ManagedProcess.start(
            List.of("docker-registry", "serve", config.toString()),
            Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:{port}"),
            "http://127.0.0.1:{port}/v2/",
            dir.resolve("registry.log"),
            "apt-get install docker-registry"));
  }

  String address() {
    return "127.0.0.1:" + process.port;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
