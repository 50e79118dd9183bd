package dev.slipway.toolchain.build;

import com.sun.management.OperatingSystemMXBean;
import dev.slipway.json.Json;
import dev.slipway.release.BuildPlan;
import dev.slipway.release.Platform;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Executes a {@link BuildPlan}: {@code go mod download} and {@code verify}, the tests when asked,
 * then every target's {@code go build} in parallel (bounded by cores and memory), a check that each
 * output's header matches its target, optional UPX, {@code SHA256SUMS}, a CycloneDX SBOM read from
 * the binaries, and {@code build-report.json}. It writes only into the directory it is given; the
 * caller moves that into place on success and deletes it on failure.
 */
public final class GoBuild {
  /** Names of the files a build writes beside the binaries. */
  public static final String CHECKSUMS = "SHA256SUMS";

  public static final String SBOM = "sbom.cdx.json";

  private static final long BYTES_PER_JOB =
      1L << 30; // a Go build of a service peaks well under 1 GiB

  private final ProcessRunner runner;

  public GoBuild(ProcessRunner runner) {
    this.runner = runner;
  }

  /** How to build: parallel jobs and whether to run the plan's tests. */
  public record Options(int jobs, boolean runTests) {
    public Options {
      if (jobs < 1) {
        throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
      }
    }

    /** As many jobs as there are cores, fewer when memory is short. */
    public static int defaultJobs() {
      int cores = Runtime.getRuntime().availableProcessors();
      long memory = totalMemoryBytes();
      return (int) Math.max(1, Math.min(cores, memory / BYTES_PER_JOB));
    }
  }

  /** Where progress goes (stderr in the CLI), one line at a time. */
  public interface Progress {
    void line(String text);
  }

  /** A finished build or why it failed. */
  public sealed interface Result {
    record Built(BuildReport report) implements Result {}

    /** {@code message} names the step or target and carries the tool's own output. */
    record Failed(String message) implements Result {}
  }

  public Result run(BuildPlan plan, Path source, Path out, Options options, Progress progress)
      throws IOException, InterruptedException {
    try {
      for (BuildPlan.Command command : plan.prepare()) {
        Result failed = step(command, source, progress);
        if (failed != null) {
          return failed;
        }
      }
      if (plan.test() != null && options.runTests()) {
        Result failed = step(plan.test(), source, progress);
        if (failed != null) {
          return failed;
        }
      }
    } catch (ProcessRunner.RunFailure e) {
      return new Result.Failed(e.getMessage());
    }

    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(options.jobs(), plan.targets().size()));
    List<Future<TargetOutcome>> futures = new ArrayList<>();
    try {
      for (BuildPlan.Target target : plan.targets()) {
        futures.add(pool.submit(() -> buildOne(target, source, out, progress)));
      }
      List<TargetOutcome> outcomes = new ArrayList<>();
      for (Future<TargetOutcome> future : futures) {
        try {
          outcomes.add(future.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException("build task failed", cause);
        }
      }
      List<String> failures =
          outcomes.stream().filter(o -> o.failure() != null).map(TargetOutcome::failure).toList();
      if (!failures.isEmpty()) {
        return new Result.Failed(String.join("\n", failures));
      }
      return finish(plan, out, outcomes, progress);
    } finally {
      pool.shutdownNow();
    }
  }

  private Result step(BuildPlan.Command command, Path source, Progress progress)
      throws ProcessRunner.RunFailure, InterruptedException {
    String name = String.join(" ", command.argv());
    long start = System.nanoTime();
    ProcessRunner.Outcome outcome = runner.run(command, source);
    if (!outcome.succeeded()) {
      return new Result.Failed(
          name + " failed (exit " + outcome.exitCode() + "):\n" + outcome.output().stripTrailing());
    }
    progress.line(name + " ok (" + seconds(start) + "s)");
    return null;
  }

  private record TargetOutcome(BuildPlan.Target target, double seconds, String failure) {}

  private TargetOutcome buildOne(BuildPlan.Target target, Path source, Path out, Progress progress)
      throws IOException, InterruptedException {
    String platform = target.platform().toString();
    long start = System.nanoTime();
    ProcessRunner.Outcome outcome;
    try {
      outcome = runner.run(target.build(), source);
    } catch (ProcessRunner.RunFailure e) {
      return new TargetOutcome(target, 0, platform + ": " + e.getMessage());
    }
    if (!outcome.succeeded()) {
      return new TargetOutcome(
          target,
          0,
          platform
              + ": go build failed (exit "
              + outcome.exitCode()
              + "):\n"
              + outcome.output().stripTrailing());
    }
    Path binary = out.resolve(target.output());
    var format = ExecutableFormat.read(binary);
    Platform p = target.platform();
    if (format.isEmpty()
        || !format.get().os().equals(p.os())
        || !format.get().arch().equals(p.arch())) {
      return new TargetOutcome(
          target,
          0,
          platform
              + ": the output is "
              + format
                  .map(f -> f.format() + " " + f.os() + "/" + f.arch())
                  .orElse("not an executable Slipway recognises")
              + ", not "
              + platform);
    }
    double seconds = seconds(start);
    progress.line(platform + " built in " + seconds + "s (" + mebibytes(Files.size(binary)) + ")");
    return new TargetOutcome(target, seconds, null);
  }

  private Result finish(BuildPlan plan, Path out, List<TargetOutcome> outcomes, Progress progress)
      throws IOException, InterruptedException {
    boolean upx = outcomes.stream().anyMatch(o -> o.target().compress());
    boolean haveUpx = upx && onPath("upx");
    if (upx && !haveUpx) {
      progress.line("warning: upx is not installed; binaries are left uncompressed");
    }
    Map<String, GoBuildInfo> infos = new TreeMap<>();
    List<BuildReport.Target> reports = new ArrayList<>();
    StringBuilder sums = new StringBuilder();
    String goVersion = null;
    for (TargetOutcome outcome : outcomes) {
      BuildPlan.Target target = outcome.target();
      Path binary = out.resolve(target.output());
      // Build info is read before compression: UPX hides it from `go version -m`.
      GoBuildInfo info = readBuildInfo(binary);
      infos.put(target.platform().toString(), info);
      goVersion = info.goVersion();
      boolean compressed = false;
      if (target.compress() && haveUpx) {
        try {
          ProcessRunner.Outcome packed =
              runner.run(
                  List.of("upx", "-q", "--best", "--lzma", binary.toString()), Map.of(), out);
          if (!packed.succeeded()) {
            return new Result.Failed(
                target.platform() + ": upx failed:\n" + packed.output().stripTrailing());
          }
          compressed = true;
        } catch (ProcessRunner.RunFailure e) {
          return new Result.Failed(target.platform() + ": " + e.getMessage());
        }
      }
      String sha256 = sha256(binary);
      sums.append(sha256).append("  ").append(target.output()).append('\n');
      reports.add(
          new BuildReport.Target(
              target.platform().toString(),
              target.output(),
              Files.size(binary),
              sha256,
              info.goVersion(),
              outcome.seconds(),
              compressed));
    }
    Files.writeString(out.resolve(CHECKSUMS), sortedLines(sums.toString()), StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve(SBOM),
        Sbom.cycloneDx(plan.service(), plan.releaseId(), infos),
        StandardCharsets.UTF_8);
    BuildReport report =
        new BuildReport(
            plan.service(),
            plan.releaseId(),
            plan.module(),
            goVersion,
            reports,
            CHECKSUMS,
            SBOM,
            plan.image());
    Files.writeString(
        out.resolve(BuildReport.FILE_NAME),
        Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n",
        StandardCharsets.UTF_8);
    return new Result.Built(report);
  }

  private GoBuildInfo readBuildInfo(Path binary) throws InterruptedException, IOException {
    try {
      ProcessRunner.Outcome outcome =
          runner.run(
              List.of("go", "version", "-m", binary.toString()),
              Map.of("GOTOOLCHAIN", "local"),
              binary.getParent());
      if (!outcome.succeeded()) {
        throw new IOException(
            "go version -m " + binary.getFileName() + " failed: " + outcome.output().strip());
      }
      return GoBuildInfo.parse(outcome.output());
    } catch (ProcessRunner.RunFailure e) {
      throw new IOException(e.getMessage());
    }
  }

  private static String sortedLines(String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    lines.sort(null);
    return String.join("\n", lines) + "\n";
  }

  /** The hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static long totalMemoryBytes() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** For tests: the plan's wall-clock bound per command. */
  public static ProcessRunner defaultRunner() {
    return new ProcessRunner(Duration.ofMinutes(20));
  }
}
