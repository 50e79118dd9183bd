package dev.slipway.cli;

import dev.slipway.aws.AwsClients;
import dev.slipway.aws.S3Ledger;
import dev.slipway.engine.ReleaseLedger;
import dev.slipway.json.Json;
import dev.slipway.release.Problem;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.Sha256;
import dev.slipway.release.SourceRef;
import dev.slipway.release.TreePlanner;
import dev.slipway.source.DirectoryTree;
import dev.slipway.toolchain.build.BuildReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;

/** {@code slipway push DIR}: check, pack and upload a service's source; a release starts. */
@Command(
    name = "push",
    description = {
      "Check DIR as `slipway plan` does, pack it (honouring .slipwayignore), upload it to"
          + " s3://BUCKET/sources/<service>/ and print the release id.",
      "With --follow, print each transition until the release ends; with --follow --json, one JSON"
          + " object per line: the upload (\"event\":\"uploaded\"), each transition"
          + " (\"transition\"), the binaries built (\"binaries\"), a wait for a person"
          + " (\"awaiting-approval\"), then the release as `status --json` shows it"
          + " (\"summary\", with \"exitCode\") or \"timeout\". Exit codes: 0 LIVE, 10 FAILED,"
          + " 11 BLOCKED, 12 REJECTED, 13 ROLLED_BACK, 14 SUPERSEDED, 15 timed out, 1 AWS error, 2 bad"
          + " input."
    })
final class PushCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the service's source tree")
  Path dir;

  @Mixin AwsOptions aws;

  @Option(names = "--follow", description = "follow the release until it ends")
  boolean follow;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "how long --follow waits (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", hidden = true)
  double intervalSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (aws.problem() != null) {
      err.println("slipway push: " + aws.problem());
      return Slipway.BAD_INPUT;
    }
    if (!Files.isDirectory(dir)) {
      err.println("slipway push: " + dir + ": no such directory");
      return Slipway.BAD_INPUT;
    }
    TreePlanner.Result checked =
        TreePlanner.plan(DirectoryTree.open(dir), "push", "/dist", LocalDate.now(ZoneOffset.UTC));
    if (checked instanceof TreePlanner.Result.Invalid invalid) {
      for (Problem problem : invalid.problems()) {
        err.println("slipway push: " + problem.line());
      }
      return Slipway.BAD_INPUT;
    }
    String service = ((TreePlanner.Result.Planned) checked).manifest().service();
    SourcePacker.Packed packed;
    try {
      packed = SourcePacker.pack(dir);
    } catch (SourcePacker.Refused e) {
      err.println("slipway push: " + e.getMessage());
      return Slipway.BAD_INPUT;
    }
    String key =
        "sources/"
            + service
            + "/"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now())
            + "-"
            + sha256(packed.archive()).substring(0, 12)
            + ".zip";
    try (AwsClients clients = aws.clients()) {
      SourceUpload.Uploaded put =
          SourceUpload.put(
              clients.s3(),
              aws.bucket,
              key,
              "application/zip",
              Map.of("slipway-service", service, "slipway-sha256", sha256(packed.archive())),
              packed.archive(),
              d -> Thread.sleep(d.toMillis()));
      String releaseId = new SourceRef(aws.bucket, key, put.versionId(), put.etag()).releaseId();
      err.println(
          "slipway push: uploaded s3://"
              + aws.bucket
              + "/"
              + key
              + " ("
              + packed.files()
              + " files, "
              + packed.archive().length / 1024
              + " KiB packed"
              + (put.parts() > 1 ? ", in " + put.parts() + " parts" : "")
              + ")");
      if (json) {
        var node = Json.mapper().createObjectNode();
        if (follow) {
          node.put("event", "uploaded");
        }
        node.put("releaseId", releaseId)
            .put("bucket", aws.bucket)
            .put("key", key)
            .put("versionId", put.versionId());
        out.println(node);
      } else {
        out.println(releaseId);
      }
      out.flush();
      return follow ? follow(aws.ledger(clients), service, releaseId, out, err) : Slipway.OK;
    } catch (SdkException | dev.slipway.engine.ReleaseEngine.RetryLater e) {
      err.println("slipway push: " + e.getMessage());
      return Slipway.FAILED;
    }
  }

  private int follow(
      S3Ledger ledger, String service, String releaseId, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
    int shown = 0;
    boolean hinted = false;
    boolean reported = false;
    LiveLine live =
        new LiveLine(
            out, !json && System.console() != null && !"dumb".equals(System.getenv("TERM")));
    while (true) {
      Optional<Release> found = ledger.read(service, releaseId).map(ReleaseLedger.Versioned::value);
      if (found.isPresent()) {
        Release release = found.get();
        if (shown < release.history().size()) {
          live.clear();
        }
        for (int i = shown; i < release.history().size(); i++) {
          Release.Transition t = release.history().get(i);
          out.println(
              json
                  ? ReleaseOutput.event("transition", releaseId, ReleaseOutput.json(t))
                  : ReleaseOutput.transition(t, i == 0 ? null : release.history().get(i - 1).at()));
          if (!reported && t.from() == ReleaseState.BUILDING) {
            reported = true;
            buildReport(ledger, service, releaseId)
                .ifPresent(
                    report ->
                        out.println(
                            json
                                ? ReleaseOutput.event(
                                        "binaries",
                                        releaseId,
                                        Json.mapper()
                                            .<com.fasterxml.jackson.databind.node.ObjectNode>
                                                valueToTree(report))
                                    .toString()
                                : ReleaseOutput.binaries(report)));
          }
        }
        shown = release.history().size();
        if (!release.state().isFinal()) {
          live.show(release);
        }
        if (release.state() == ReleaseState.AWAITING_APPROVAL && !hinted && json) {
          out.println(
              ReleaseOutput.event("awaiting-approval", releaseId)
                  .put(
                      "approvers",
                      release.config() == null ? null : release.config().approversText()));
        }
        if (release.state() == ReleaseState.AWAITING_APPROVAL && !hinted) {
          err.println(
              "slipway push: waiting for a person: slipway approve "
                  + releaseId
                  + " (or reject); who may: "
                  + (release.config() == null ? "?" : release.config().approversText()));
          hinted = true;
        }
        // Live where it is, waiting for a person to promote it on: the push's part is done.
        boolean waitsForPromotion = release.state() == ReleaseState.AWAITING_PROMOTION;
        if (waitsForPromotion && !json) {
          err.println(
              "slipway push: live in "
                  + release.currentEnvironment()
                  + "; to go on: slipway promote "
                  + releaseId
                  + " --to "
                  + release
                      .config()
                      .after(release.currentEnvironment())
                      .map(dev.slipway.release.Stage::environment)
                      .orElse("?"));
        }
        if (release.state().isFinal() || waitsForPromotion) {
          live.clear();
          int code = ReleaseOutput.EXIT_CODES.get(release.state());
          if (json) {
            out.println(
                ReleaseOutput.event("summary", releaseId, ReleaseOutput.json(release))
                    .put("exitCode", code));
            out.flush();
            return code;
          }
          if (release.state() == ReleaseState.FAILED
              && release.reason() != null
              && release.reason().startsWith("compile build ")) {
            buildFailure(releaseId).forEach(out::println);
          }
          out.println(ReleaseOutput.summary(release));
          ReleaseOutput.environments(release).forEach(out::println);
          out.flush();
          return code;
        }
      }
      out.flush();
      if (Instant.now().isAfter(deadline)) {
        live.clear();
        if (json) {
          out.println(
              ReleaseOutput.event("timeout", releaseId)
                  .put("seconds", timeoutSeconds)
                  .put("exitCode", ReleaseOutput.TIMED_OUT));
          out.flush();
        }
        err.println("slipway push: " + releaseId + " has not ended after " + timeoutSeconds + "s");
        return ReleaseOutput.TIMED_OUT;
      }
      Thread.sleep((long) (intervalSeconds * 1000));
    }
  }

  /**
   * The compile build's report (uploaded beside its artifact, {@code builds/<id>/}) as one line of
   * the timeline: each binary's size and the Go version. Empty when there is none to read.
   */
  private Optional<BuildReport> buildReport(S3Ledger ledger, String service, String releaseId) {
    try (AwsClients clients = aws.clients()) {
      byte[] bytes =
          clients
              .s3()
              .getObjectAsBytes(
                  r -> r.bucket(aws.bucket).key("builds/" + releaseId + "/build-report.json"))
              .asByteArray();
      BuildReport report = Json.mapper().readValue(bytes, BuildReport.class);
      return Optional.of(report);
    } catch (IOException | RuntimeException none) {
      return Optional.empty(); // an older build, or no access: the timeline goes on
    }
  }

  /**
   * A failed compile's last lines (the buildspec leaves them beside the build's outputs, {@code
   * builds/<id>/build-failure.log}), indented under a heading; empty when there are none to read.
   */
  private List<String> buildFailure(String releaseId) {
    try (AwsClients clients = aws.clients()) {
      String text =
          clients
              .s3()
              .getObjectAsBytes(
                  r -> r.bucket(aws.bucket).key("builds/" + releaseId + "/build-failure.log"))
              .asUtf8String();
      List<String> lines = new ArrayList<>();
      lines.add("  the build's last lines:");
      text.lines()
          .filter(l -> !l.isBlank())
          .forEach(l -> lines.add("    " + l.replaceAll("\\p{Cntrl}", "?")));
      return lines.size() > 1 ? lines : List.of();
    } catch (RuntimeException none) {
      return List.of(); // none left, or no access: the reason still names the build
    }
  }

  static String sha256(byte[] bytes) {
    return Sha256.hex(bytes);
  }
}
