package dev.slipway.release;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When a release may go on to another environment (architecture §3, environments): only into the
 * environment right after the one it is live and baked in, only when no newer release of the
 * service is already there, and only while its scan verdict still holds (an allowance that has run
 * out since is a new verdict). The state machine applies a promotion only when this finds nothing
 * against it; the steering URL answers a refusal with the reason.
 */
public final class Promotion {
  private Promotion() {}

  /** Why {@code release} cannot be promoted into {@code to} at {@code now}; empty when it can. */
  public static Optional<String> refusal(
      Release release, String to, ServiceView view, Instant now) {
    ReleaseConfig config = release.config();
    if (config == null || release.image() == null) {
      return Optional.of(release.id() + " has no image to promote (" + release.state() + ")");
    }
    List<Stage> path = config.path();
    if (config.stage(to).isEmpty()) {
      return Optional.of(
          to
              + " is not an environment of "
              + release.service()
              + " (environments, in order: "
              + path.stream().map(Stage::environment).collect(Collectors.joining(", "))
              + ")");
    }
    String current = release.currentEnvironment();
    int at = config.indexOf(current);
    int target = config.indexOf(to);
    if (target == 0) {
      return Optional.of(
          to + " is " + release.service() + "'s first environment: releases start there");
    }
    String before = path.get(target - 1).environment();
    if (target <= at && release.track(to).isPresent()) {
      return Optional.of(
          release.id() + " has already been promoted to " + to + " (" + release.state() + ")");
    }
    if (release.state() != ReleaseState.AWAITING_PROMOTION || !current.equals(before)) {
      String where =
          release.environment() == null
              ? release.state().toString()
              : release.state() + " in " + current;
      return Optional.of(
          release.id()
              + " is not live in "
              + before
              + ", the environment before "
              + to
              + " (it is "
              + where
              + (release.reason() == null ? "" : ": " + release.reason())
              + ")");
    }
    ServiceView others = view == null ? ServiceView.empty(release.service()) : view;
    Optional<ServiceView.Entry> newer = others.newerContender(release, to);
    if (newer.isPresent()) {
      return Optional.of(
          "a newer release of "
              + release.service()
              + ", "
              + newer.get().id()
              + ", is already in "
              + to
              + " or past it ("
              + newer.get().state()
              + (newer.get().environment() == null ? "" : " in " + newer.get().environment())
              + ")");
    }
    if (release.verdict() != null) { // the image is known: checked above
      List<Finding> all = new ArrayList<>();
      release
          .image()
          .scannable()
          .forEach(d -> all.addAll(release.scans().getOrDefault(d, List.of())));
      ScanVerdict today =
          ScanVerdict.evaluate(config.scan(), all, now.atZone(ZoneOffset.UTC).toLocalDate());
      if (today.outcome().ordinal() > release.verdict().outcome().ordinal()) {
        return Optional.of(
            "the scan verdict has expired: the policy now says "
                + today.outcome()
                + " for "
                + String.join(", ", today.deciding())
                + " (it said "
                + release.verdict().outcome()
                + "); a new release is scanned again");
      }
    }
    return Optional.empty();
  }
}
