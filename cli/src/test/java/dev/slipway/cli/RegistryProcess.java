package dev.slipway.cli;

import dev.slipway.emulator.Installs;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.emulator.Registry;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A real OCI registry (distribution's, {@link Registry}) on a free loopback port, storing into a
 * temporary directory; installed under Slipway's cache directory on first use, as {@code slipway
 * local} does, so these tests need nothing installed by hand.
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
    return new RegistryProcess(
        Registry.start(Installs.cache(), dir, dir.resolve("data"), "", readOnly, System.err));
  }

  String address() {
    return "127.0.0.1:" + process.port;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
