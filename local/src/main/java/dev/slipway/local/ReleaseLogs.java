package dev.slipway.local;

import dev.slipway.release.Release;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Where a release's logs are in CloudWatch Logs, and reading them: its builds' (CodeBuild's default
 * group {@code /aws/codebuild/<project>}, stream {@code <build uuid>}) and its tasks' (the task
 * definition's awslogs group, streams {@code prefix/container/task-id}). The same on AWS and in
 * {@code slipway local}; used by {@code slipway logs} and the local web page.
 */
public final class ReleaseLogs {
  private ReleaseLogs() {}

  /** One line: when, where from (a build's kind, or a task's short id), what, and its event id. */
  public record Line(Instant at, String source, String message, String eventId) {}

  /** A task definition's container's awslogs group and stream prefix (prefix/container/). */
  public record Tasks(String group, String streamPrefix) {}

  /** The release's builds as (kind, build id) pairs, compile first; empty before any starts. */
  public static List<String[]> builds(Release r) {
    List<String[]> builds = new ArrayList<>();
    if (r.compileBuildId() != null) {
      builds.add(new String[] {"compile", r.compileBuildId()});
    }
    if (r.imageBuildId() != null) {
      builds.add(new String[] {"image", r.imageBuildId()});
    }
    return builds;
  }

  /** Every line of the release's builds, compile first; a build without a stream yet says so. */
  public static List<Line> buildLines(CloudWatchLogsClient logs, Release r) {
    List<Line> lines = new ArrayList<>();
    for (String[] b : builds(r)) {
      // "arn:aws:codebuild:REGION:ACCOUNT:build/PROJECT:UUID", or "PROJECT:UUID"
      String id = b[1].substring(b[1].lastIndexOf('/') + 1);
      String group = "/aws/codebuild/" + id.substring(0, id.indexOf(':'));
      String stream = id.substring(id.indexOf(':') + 1);
      try {
        String token = null;
        while (true) {
          String from = token;
          var page =
              logs.getLogEvents(
                  q ->
                      q.logGroupName(group)
                          .logStreamName(stream)
                          .startFromHead(true)
                          .nextToken(from));
          for (OutputLogEvent e : page.events()) {
            lines.add(new Line(Instant.ofEpochMilli(e.timestamp()), b[0], e.message(), null));
          }
          if (page.events().isEmpty() || page.nextForwardToken().equals(from)) {
            break;
          }
          token = page.nextForwardToken();
        }
      } catch (ResourceNotFoundException e) {
        lines.add(new Line(null, b[0], "(no log stream " + group + " " + stream + " yet)", null));
      }
    }
    return lines;
  }

  /** Where {@code container} of {@code taskDefinition} logs, if it uses the awslogs driver. */
  public static Optional<Tasks> tasks(EcsClient ecs, String taskDefinition, String container) {
    var definition =
        ecs.describeTaskDefinition(q -> q.taskDefinition(taskDefinition)).taskDefinition();
    return definition.containerDefinitions().stream()
        .filter(c -> c.name().equals(container))
        .findFirst()
        .map(c -> c.logConfiguration())
        .filter(l -> "awslogs".equals(l.logDriverAsString()))
        .filter(l -> l.options().get("awslogs-group") != null)
        .map(
            l ->
                new Tasks(
                    l.options().get("awslogs-group"),
                    l.options().get("awslogs-stream-prefix") == null
                        ? null
                        : l.options().get("awslogs-stream-prefix") + "/" + container + "/"));
  }

  /** The tasks' lines since {@code startMillis}, oldest first. */
  public static List<Line> taskLines(CloudWatchLogsClient logs, Tasks tasks, long startMillis) {
    List<Line> out = new ArrayList<>();
    try {
      logs.filterLogEventsPaginator(
              q -> {
                q.logGroupName(tasks.group()).startTime(startMillis);
                if (tasks.streamPrefix() != null) {
                  q.logStreamNamePrefix(tasks.streamPrefix());
                }
              })
          .events()
          .forEach(
              e -> {
                String stream = e.logStreamName();
                String task = stream.substring(stream.lastIndexOf('/') + 1);
                out.add(
                    new Line(
                        Instant.ofEpochMilli(e.timestamp()),
                        task.substring(0, Math.min(8, task.length())),
                        e.message(),
                        e.eventId()));
              });
    } catch (ResourceNotFoundException none) {
      // no task has logged yet
    }
    out.sort(Comparator.comparing(Line::at));
    return out;
  }
}
