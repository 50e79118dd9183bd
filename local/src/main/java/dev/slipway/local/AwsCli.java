package dev.slipway.local;

import dev.slipway.emulator.ManagedProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The AWS CLI the buildspecs call, as the build image has it: installed by Slipway itself into a
 * Python virtual environment under its cache directory (no root, nothing system-wide), pinned. It
 * reaches the local endpoints through {@code AWS_ENDPOINT_URL}, which the CLI reads.
 */
final class AwsCli {
  static final String VERSION = "1.46.2";

  private AwsCli() {}

  /** The {@code aws} executable, installed first when missing. */
  static Path install(Path cache, PrintStream log) throws IOException {
    Path dir = cache.resolve("awscli-" + VERSION);
    Path aws = dir.resolve("bin").resolve("aws");
    if (Files.isExecutable(aws) && Files.isRegularFile(dir.resolve(".installed"))) {
      return aws;
    }
    Files.createDirectories(cache);
    log.println(
        "slipway local: installing the AWS CLI "
            + VERSION
            + " (pip) into "
            + dir
            + " for the builds");
    String python = ManagedProcess.find("python3");
    if (python == null) {
      throw new IOException("python3 is not installed; the local builds need it for the AWS CLI");
    }
    // A venv's scripts name its own path, so it is made where it stays; the marker, written last,
    // tells a whole install from one a kill interrupted (which is made again).
    StateDirectory.deleteTree(dir);
    run(List.of(python, "-m", "venv", dir.toString()), cache);
    run(
        List.of(
            dir.resolve("bin/pip").toString(),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "awscli==" + VERSION),
        cache);
    Files.writeString(dir.resolve(".installed"), VERSION);
    return aws;
  }

  private static void run(List<String> command, Path dir) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command));
    }
  }
}
