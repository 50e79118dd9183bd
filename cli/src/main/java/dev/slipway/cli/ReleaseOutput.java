package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseJson;
import dev.slipway.release.ReleaseState;
import dev.slipway.toolchain.build.BuildReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How the release commands show releases, and the exit code each final state maps to. */
final class ReleaseOutput {
  private ReleaseOutput() {}

  /**
   * Exit codes of `slipway push --follow`: 0 LIVE; 10 FAILED; 11 BLOCKED; 12 REJECTED; 13
   * ROLLED_BACK; 14 SUPERSEDED; 15 still running when --timeout ran out.
   */
  static final Map<ReleaseState, Integer> EXIT_CODES =
      Map.of(
          ReleaseState.LIVE, 0,
          ReleaseState.AWAITING_PROMOTION, 0,
          ReleaseState.FAILED, 10,
          ReleaseState.BLOCKED, 11,
          ReleaseState.REJECTED, 12,
          ReleaseState.ROLLED_BACK, 13,
          ReleaseState.SUPERSEDED, 14);

  static final int TIMED_OUT = 15;

  /** One line for one transition: time, state, time since the previous step, and the detail. */
  static String transition(Release.Transition t, Instant previous) {
    String since = previous == null ? "" : "+" + human(Duration.between(previous, t.at()));
    return String.format(
        "%s  %-17s %8s  %s", t.at(), t.to(), since, t.detail() == null ? "" : t.detail());
  }

  /** The build report as one timeline line: each binary's size, and the Go that built them. */
  static String binaries(BuildReport report) {
    return "  binaries: "
        + report.targets().stream()
            .map(
                t ->
                    t.platform()
                        + " "
                        + String.format(Locale.ROOT, "%.1f MiB", t.bytes() / 1048576.0)
                        + (t.compressed() ? " (upx)" : ""))
            .collect(Collectors.joining(", "))
        + " ("
        + report.goVersion()
        + ")";
  }

  /** The line a terminal shows while a release waits in {@code state}: how long it has been. */
  static String waiting(ReleaseState state, Duration in) {
    return "  ... " + state + " for " + human(in);
  }

  /** The closing line of a followed release. */
  static String summary(Release r) {
    StringBuilder out = new StringBuilder(r.id()).append(' ').append(r.state());
    if (r.config() != null && r.config().path().size() > 1) {
      out.append(" in ").append(r.currentEnvironment());
    }
    if (!r.history().isEmpty()) {
      out.append(" after ")
          .append(
              human(
                  Duration.between(
                      r.history().get(0).at(), r.history().get(r.history().size() - 1).at())));
    }
    if (r.image() != null) {
      out.append(r.imageOnly() ? "; image-only release of " : "; image ")
          .append(r.image().pinned());
    }
    if (r.verdict() != null) {
      out.append("; scan ")
          .append(
              r.verdict().counts().isEmpty()
                  ? "clean"
                  : r.verdict().counts().entrySet().stream()
                      .map(e -> e.getKey() + " " + e.getValue())
                      .collect(Collectors.joining(", ")));
    }
    if (r.deployment() != null && r.deployment().taskDefinitionArn() != null) {
      out.append("; task definition ").append(r.deployment().taskDefinitionArn());
    }
    if (r.reason() != null) {
      out.append("; ").append(r.reason());
    }
    stuck(r).ifPresent(s -> out.append("; STUCK (").append(s).append(")"));
    return out.toString();
  }

  /**
   * One line per environment the release has reached, for a release with more than one: where it
   * got to there, the target, the task definition, and when it entered and left; then the ones
   * still ahead.
   */
  static List<String> environments(Release r) {
    if (r.config() == null || r.config().path().size() < 2) {
      return List.of();
    }
    List<String> lines = new java.util.ArrayList<>();
    for (dev.slipway.release.Stage stage : r.config().path()) {
      java.util.Optional<Release.Track> track = r.track(stage.environment());
      if (track.isEmpty()) {
        lines.add(String.format("  %-12s %-17s %s", stage.environment(), "-", stage.target()));
        continue;
      }
      Release.Track t = track.get();
      lines.add(
          String.format(
                  "  %-12s %-17s %s%s  entered %s%s",
                  t.environment(),
                  t.state(),
                  t.target(),
                  t.deployment() == null || t.deployment().taskDefinitionArn() == null
                      ? ""
                      : "  task definition " + t.deployment().taskDefinitionArn(),
                  t.enteredAt(),
                  t.leftAt() == null ? "" : ", promoted on " + t.leftAt())
              .stripTrailing());
    }
    return lines;
  }

  /** The reconciler's stuck mark, while the release is still where it was marked. */
  static java.util.Optional<String> stuck(Release r) {
    if (r.state().isFinal() || r.history().isEmpty()) {
      return java.util.Optional.empty();
    }
    Release.Transition last = r.history().get(r.history().size() - 1);
    return last.from() == last.to() && last.detail() != null && last.detail().startsWith("stuck: ")
        ? java.util.Optional.of(last.detail().substring("stuck: ".length()))
        : java.util.Optional.empty();
  }

  /** The release as `status --json` shows it ({@link ReleaseJson}). */
  static ObjectNode json(Release r) {
    return ReleaseJson.of(r, stuck(r).orElse(null));
  }

  /** One transition as JSON: at, from, to, detail. */
  static ObjectNode json(Release.Transition t) {
    return ReleaseJson.of(t);
  }

  /** The start of one line of `push --follow --json`: which event, of which release. */
  static ObjectNode event(String event, String releaseId) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("event", event);
    node.put("releaseId", releaseId);
    return node;
  }

  /** {@link #event} followed by {@code body}'s fields. */
  static ObjectNode event(String event, String releaseId, ObjectNode body) {
    ObjectNode node = event(event, releaseId);
    node.setAll(body);
    return node;
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 60_000) {
      return String.format("%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    return s / 3600 > 0
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }
}
