package dev.slipway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.slipway.json.Json;
import dev.slipway.release.Problem;
import dev.slipway.release.TreePlanner;
import dev.slipway.source.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code slipway plan DIR}: validate a source tree and print its build plan as JSON. */
@Command(
    name = "plan",
    description = {
      "Validate DIR (slipway.json, go.mod, the main package) and print the build plan as JSON:",
      "for each target the exact go build argv and environment, the image, the scan policy and"
          + " the deploy target.",
      "Exit 0 with the plan, or 2 with every problem on stderr, one per line."
    })
final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin SourceTreeOptions source;

  @Option(
      names = "--out",
      paramLabel = "OUT",
      description = "where binaries go (default: DIR/dist)")
  Path out;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    if (!Files.isDirectory(source.dir)) {
      err.println("slipway plan: " + source.dir + ": no such directory");
      return Slipway.BAD_INPUT;
    }
    DirectoryTree tree;
    try {
      tree = DirectoryTree.open(source.dir);
    } catch (IOException e) {
      err.println("slipway plan: " + source.dir + ": " + e.getMessage());
      return Slipway.BAD_INPUT;
    }
    Path outDir = (out == null ? tree.root().resolve("dist") : out).toAbsolutePath().normalize();
    TreePlanner.Result result =
        TreePlanner.plan(tree, source.releaseId, outDir.toString(), LocalDate.now(ZoneOffset.UTC));
    if (result instanceof TreePlanner.Result.Invalid invalid) {
      for (Problem problem : invalid.problems()) {
        err.println("slipway plan: " + problem.line());
      }
      return Slipway.BAD_INPUT;
    }
    try {
      spec.commandLine()
          .getOut()
          .println(
              Json.mapper()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(((TreePlanner.Result.Planned) result).plan()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the plan", e);
    }
    return Slipway.OK;
  }
}
