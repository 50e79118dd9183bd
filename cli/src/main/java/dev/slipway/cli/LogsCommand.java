package dev.slipway.cli;

import dev.slipway.aws.AwsClients;
import dev.slipway.engine.ReleaseLedger;
import dev.slipway.local.ReleaseLogs;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import dev.slipway.release.SourceRef;
import dev.slipway.release.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * {@code slipway logs SERVICE|RELEASE_ID [--build] [--follow] [--since DURATION]}: a service's task
 * logs, or a release's build logs, from CloudWatch Logs, where ECS's awslogs driver and CodeBuild
 * put them (on AWS, and in {@code slipway local}, which sends its tasks' and builds' output to the
 * same places in the emulator). The log group comes from the task definition the release (or the
 * service's running deployment) uses; a build's from CodeBuild's default, {@code
 * /aws/codebuild/<project>}, stream {@code <build uuid>}.
 */
@Command(
    name = "logs",
    description = {
      "Print a service's task logs (SERVICE: what runs now; RELEASE_ID: that release's task"
          + " definition), or with --build a release's build logs (compile, then image).",
      "Exit codes: 0 printed (or nothing yet to print), 1 AWS error, 2 bad input or no logs to"
          + " find."
    })
final class LogsCommand extends ReleaseCommands.Base {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");

  @Parameters(index = "0", paramLabel = "SERVICE|RELEASE_ID")
  String target;

  @Option(names = "--build", description = "the release's build logs instead of its tasks'")
  boolean build;

  @Option(names = "--follow", description = "keep printing new lines until interrupted")
  boolean follow;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      description = "task logs from this long ago: 30s, 10m, 2h, 1d (default: 1h)")
  String since;

  @Option(
      names = "--environment",
      paramLabel = "ENV",
      description = "for a service with several environments: whose tasks (default: the last)")
  String environment;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", hidden = true)
  double intervalSeconds;

  @Option(names = "--max-polls", defaultValue = "-1", hidden = true)
  int maxPolls;

  @Override
  int run(AwsClients clients, ReleaseLedger ledger) {
    Duration back = Duration.ofHours(1);
    if (since != null) {
      Matcher m = DURATION.matcher(since);
      if (!m.matches()) {
        err()
            .println(name() + ": --since: '" + since + "' is not a duration like 30s, 10m, 2h, 1d");
        return Slipway.BAD_INPUT;
      }
      long n = Long.parseLong(m.group(1));
      back =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
    }
    Optional<Release> release =
        SourceRef.serviceOfReleaseId(target)
            .flatMap(service -> ledger.read(service, target))
            .map(ReleaseLedger.Versioned::value);
    try (CloudWatchLogsClient logs = aws.logs()) {
      if (build) {
        if (release.isEmpty()) {
          err().println(name() + ": --build needs a release id; no release " + target + " found");
          return Slipway.BAD_INPUT;
        }
        return buildLogs(logs, release.get());
      }
      return taskLogs(clients, logs, ledger, release, Instant.now().minus(back));
    }
  }

  private int buildLogs(CloudWatchLogsClient logs, Release r) {
    if (ReleaseLogs.builds(r).isEmpty()) {
      err()
          .println(
              name()
                  + ": "
                  + r.id()
                  + " has no builds"
                  + (r.imageOnly() ? " (an image-only release)" : " yet (" + r.state() + ")"));
      return Slipway.BAD_INPUT;
    }
    for (ReleaseLogs.Line line : ReleaseLogs.buildLines(logs, r)) {
      out().println("[" + line.source() + "] " + line.message());
    }
    out().flush();
    return Slipway.OK;
  }

  private int taskLogs(
      AwsClients clients,
      CloudWatchLogsClient logs,
      ReleaseLedger ledger,
      Optional<Release> release,
      Instant from) {
    String taskDefinition;
    Manifest.Deploy deploy;
    if (release.isPresent()) {
      Release r = release.get();
      if (r.deployment() == null || r.deployment().taskDefinitionArn() == null) {
        err().println(name() + ": " + r.id() + " has not been deployed (" + r.state() + ")");
        return Slipway.BAD_INPUT;
      }
      taskDefinition = r.deployment().taskDefinitionArn();
      deploy = r.config().deploy();
    } else {
      // A service: what its ECS service runs now (the target its newest release names).
      Optional<Release> newest = newestConfigured(ledger, target);
      if (newest.isEmpty()) {
        err()
            .println(
                name()
                    + ": '"
                    + target
                    + "' is neither a release id nor a service with releases in s3://"
                    + aws.bucket
                    + "/ledger/");
        return Slipway.BAD_INPUT;
      }
      deploy = newest.get().config().deploy();
      List<Stage> path = newest.get().config().path();
      Optional<Stage> chosen =
          environment == null
              ? Optional.of(path.get(path.size() - 1))
              : newest.get().config().stage(environment);
      if (chosen.isEmpty()) {
        err()
            .println(
                name()
                    + ": --environment: '"
                    + environment
                    + "' is not an environment of "
                    + target
                    + " ("
                    + path.stream().map(Stage::environment).collect(Collectors.joining(", "))
                    + ")");
        return Slipway.BAD_INPUT;
      }
      Stage d = chosen.get();
      var services =
          clients
              .ecs()
              .describeServices(q -> q.cluster(d.cluster()).services(d.service()))
              .services();
      if (services.isEmpty()) {
        err().println(name() + ": no ECS service " + d.target());
        return Slipway.BAD_INPUT;
      }
      taskDefinition = services.get(0).taskDefinition();
    }
    String name = deploy.container();
    Optional<ReleaseLogs.Tasks> tasks = ReleaseLogs.tasks(clients.ecs(), taskDefinition, name);
    if (tasks.isEmpty()) {
      err()
          .println(
              name()
                  + ": container "
                  + name
                  + " of "
                  + taskDefinition
                  + " does not log to CloudWatch Logs (no awslogs driver)");
      return Slipway.BAD_INPUT;
    }
    Set<String> seen = new LinkedHashSet<>();
    long start = from.toEpochMilli();
    for (int poll = 0; ; poll++) {
      for (ReleaseLogs.Line line : ReleaseLogs.taskLines(logs, tasks.get(), start)) {
        if (!seen.add(line.eventId())) {
          continue;
        }
        start = Math.max(start, line.at().toEpochMilli());
        out().println(line.at() + "  " + line.source() + "  " + line.message());
      }
      out().flush();
      while (seen.size() > 10_000) {
        seen.remove(seen.iterator().next());
      }
      if (!follow || (maxPolls >= 0 && poll + 1 >= maxPolls)) {
        return Slipway.OK;
      }
      try {
        Thread.sleep((long) (intervalSeconds * 1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Slipway.OK;
      }
    }
  }

  /** The newest release of {@code service} that carries its configuration (its deploy target). */
  private static Optional<Release> newestConfigured(ReleaseLedger ledger, String service) {
    if (!dev.slipway.release.ManifestGrammar.SERVICE.matcher(service).matches()) {
      return Optional.empty();
    }
    List<ServiceView.Entry> entries =
        ledger.readIndex(service).map(i -> i.value().releases()).orElse(List.of());
    // The live one first: it is what runs; else the newest.
    List<ServiceView.Entry> ordered = new ArrayList<>();
    entries.stream().filter(e -> e.state() == ReleaseState.LIVE).forEach(ordered::add);
    ordered.addAll(entries);
    for (ServiceView.Entry e : ordered) {
      Optional<Release> r = ledger.read(service, e.id()).map(ReleaseLedger.Versioned::value);
      if (r.isPresent() && r.get().config() != null) {
        return r;
      }
    }
    return Optional.empty();
  }
}
