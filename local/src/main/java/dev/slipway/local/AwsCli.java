package dev.slipway.local;

import dev.slipway.emulator.Installs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

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
    return Installs.pip(
        cache, "awscli", VERSION, "awscli==" + VERSION, "aws", "the local builds", log);
  }
}
