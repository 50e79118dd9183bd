package dev.slipway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code slipway demo}: the README's first command. It is {@code slipway local --release
 * examples/hello-go}: start the local runtime, push the example with a live timeline, show the
 * service answering on its port with the new release id as its version, and stop everything it
 * started. It exits with push --follow's codes.
 */
@Command(
    name = "demo",
    description = {
      "Run one release on this machine: start the local runtime, push DIR (default"
          + " examples/hello-go) and follow it, show the service answering with the new version,"
          + " and stop everything. Same as: slipway local --release DIR."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      defaultValue = "examples/hello-go",
      description = "the service to release (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "state directory (default: a new temporary one, removed afterwards)")
  Path state;

  @Option(names = "--template", paramLabel = "FILE", description = "the synthesized template")
  Path template;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "900",
      description = "how long to wait for the release (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(dir.resolve("slipway.json"))) {
      err.println(
          "slipway demo: DIR: "
              + dir
              + " has no slipway.json (run from the Slipway checkout, or name a service directory)");
      return Slipway.BAD_INPUT;
    }
    List<String> args = new ArrayList<>(List.of("local", "--release", dir.toString()));
    args.addAll(List.of("--timeout", Long.toString(timeoutSeconds)));
    if (template != null) {
      args.addAll(List.of("--template", template.toString()));
    }
    // The demo starts from nothing each time (a user's `slipway local` state is not touched) and
    // leaves nothing behind, unless --state names where to keep it.
    Path used = state;
    try {
      if (used == null) {
        used = Files.createTempDirectory("slipway-demo-");
      }
      args.addAll(List.of("--state", used.toString()));
      return Slipway.run(args.toArray(String[]::new), spec.commandLine().getOut(), err);
    } catch (IOException e) {
      err.println("slipway demo: " + e.getMessage());
      return Slipway.FAILED;
    } finally {
      if (state == null && used != null) {
        deleteTree(used);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try {
      PathUtils.delete(dir);
    } catch (IOException ignored) {
      // a temporary directory: best effort
    }
  }
}
