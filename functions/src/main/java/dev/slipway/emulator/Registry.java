package dev.slipway.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real OCI registry process for the local runtime and the tests: the distribution project's
 * {@code registry} (the reference implementation Docker Hub and most registries grew from), built
 * by Slipway itself with {@code go install} under its cache directory on first use, so nothing
 * needs root, Docker or a system package. Pinned: every machine runs the same registry.
 */
public final class Registry {
  public static final String MODULE = "github.com/distribution/distribution/v3/cmd/registry";
  public static final String VERSION = "v3.0.0";
  public static final String NAME = "registry";

  private Registry() {}

  /** The registry program, installed first when missing. */
  public static Path program(Path cache, PrintStream log) throws IOException {
    return Installs.go(cache, NAME, MODULE, VERSION, "the local OCI registry", log);
  }

  /**
   * A registry on a free loopback port storing under {@code data}, its {@code registry.yml} and
   * {@code registry.log} in {@code dir}; {@code extraConfig} is appended to its configuration
   * (top-level YAML keys such as {@code notifications:}); {@code readOnly} puts it in maintenance
   * mode, where it refuses every push.
   */
  public static ManagedProcess start(
      Path cache, Path dir, Path data, String extraConfig, boolean readOnly, PrintStream log)
      throws IOException, InterruptedException {
    Path program = program(cache, log);
    Files.createDirectories(dir);
    Path config = dir.resolve("registry.yml");
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log:\n  level: warn\n"
            + "storage:\n  filesystem:\n    rootdirectory: "
            + data
            + "\n"
            + (readOnly ? "  maintenance:\n    readonly:\n      enabled: true\n" : "")
            + "http:\n  addr: 127.0.0.1:5000\n"
            + extraConfig);
    return ManagedProcess.start(
        List.of(program.toString(), "serve", config.toString()),
        // The address from the environment wins over the file's: a free port each start. A fixed
        // secret silences the registry's warning; it signs upload state only, on loopback.
        Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:{port}", "REGISTRY_HTTP_SECRET", "slipway-local"),
        "http://127.0.0.1:{port}/v2/",
        dir.resolve("registry.log"),
        "go install " + MODULE + "@" + VERSION);
  }
}
