package dev.slipway.cli;

import dev.slipway.release.Problem;
import dev.slipway.release.TreePlanner;
import dev.slipway.source.DirectoryTree;
import dev.slipway.toolchain.build.GoBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code slipway build DIR --out OUT}: execute the plan. The build writes into a staging directory
 * beside OUT and moves it into place only when every step succeeded, so OUT is either a whole build
 * or untouched.
 */
@Command(
    name = "build",
    description = {
      "Cross-compile DIR as `slipway plan` describes: go mod download/verify, optional tests, one go"
          + " build per target in parallel, SHA256SUMS, a CycloneDX SBOM and build-report.json in OUT.",
      "Exit 0 when built, 1 when a step failed (its output is shown), 2 for bad input."
    })
final class BuildCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin SourceTreeOptions source;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "output directory")
  Path out;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "parallel builds (default: cores, bounded by memory)")
  Integer jobs;

  @Option(names = "--skip-tests", description = "do not run go test even when the manifest asks")
  boolean skipTests;

  @Option(names = "--clean", description = "replace OUT when it already exists")
  boolean clean;

  @Override
  public Integer call() throws IOException, InterruptedException {
    var err = spec.commandLine().getErr();
    if (!Files.isDirectory(source.dir)) {
      err.println("slipway build: " + source.dir + ": no such directory");
      return Slipway.BAD_INPUT;
    }
    if (jobs != null && jobs < 1) {
      err.println("slipway build: --jobs: " + jobs + " must be at least 1");
      return Slipway.BAD_INPUT;
    }
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target) && !clean && !isEmptyDirectory(target)) {
      err.println(
          "slipway build: --out: " + out + " exists and is not empty (use --clean to replace it)");
      return Slipway.BAD_INPUT;
    }
    DirectoryTree tree = DirectoryTree.open(source.dir);
    Files.createDirectories(target.getParent());
    Path staging =
        Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".partial-");
    try {
      TreePlanner.Result planned =
          TreePlanner.plan(
              tree, source.releaseId, staging.toString(), LocalDate.now(ZoneOffset.UTC));
      if (planned instanceof TreePlanner.Result.Invalid invalid) {
        for (Problem problem : invalid.problems()) {
          err.println("slipway build: " + problem.line());
        }
        return Slipway.BAD_INPUT;
      }
      var plan = ((TreePlanner.Result.Planned) planned).plan();
      GoBuild.Options options =
          new GoBuild.Options(jobs == null ? GoBuild.Options.defaultJobs() : jobs, !skipTests);
      GoBuild.Result result =
          new GoBuild(GoBuild.defaultRunner())
              .run(
                  plan,
                  tree.root(),
                  staging,
                  options,
                  line -> err.println("slipway build: " + line));
      if (result instanceof GoBuild.Result.Failed failed) {
        err.println("slipway build: failed: " + failed.message());
        return Slipway.FAILED;
      }
      if (Files.exists(target)) {
        Files.createDirectories(target); // an empty directory or one --clean replaces
        PathUtils.delete(target);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      var report = ((GoBuild.Result.Built) result).report();
      err.println(
          "slipway build: "
              + report.targets().size()
              + " binaries for "
              + report.releaseId()
              + " in "
              + out
              + " ("
              + report.goVersion()
              + ")");
      return Slipway.OK;
    } finally {
      if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
        PathUtils.delete(staging);
      }
    }
  }

  private static boolean isEmptyDirectory(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (var entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    }
  }
}
