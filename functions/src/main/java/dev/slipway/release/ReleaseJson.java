package dev.slipway.release;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;

/**
 * A release as JSON for people and tools ({@code slipway status --json}, {@code push --follow
 * --json}, the local web page): what it is, where it came from, its verdict, deployment and
 * history. Not the ledger's form (that is the record itself).
 */
public final class ReleaseJson {
  private ReleaseJson() {}

  /** The release; {@code stuck} is the reconciler's stuck mark while it stands, else null. */
  public static ObjectNode of(Release r, String stuck) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("releaseId", r.id());
    node.put("service", r.service());
    node.put("state", r.state().name());
    node.put("requestedAt", r.requestedAt().toString());
    // Where it came from: an upload, or an image built elsewhere (image-only; the first
    // transition names the pushed tag).
    node.put("origin", r.imageOnly() ? "image" : "upload");
    node.put(
        "source", r.imageOnly() ? null : "s3://" + r.source().bucket() + "/" + r.source().key());
    node.put("imageDigest", r.image() == null ? null : r.image().digest());
    node.put("reason", r.reason());
    node.put("stuck", stuck);
    node.put("environment", r.currentEnvironment());
    var path = node.putArray("path"); // the environments it goes through, in order
    if (r.config() != null) {
      r.config().path().forEach(stage -> path.add(stage.environment()));
    }
    if (r.deployment() != null) {
      deployment(node.putObject("deployment"), r.deployment());
    }
    var tracks = node.putArray("environments");
    for (Release.Track t : r.tracks()) {
      ObjectNode track = tracks.addObject();
      track.put("environment", t.environment());
      track.put("target", t.target());
      track.put("state", t.state().name());
      track.put("enteredAt", t.enteredAt() == null ? null : t.enteredAt().toString());
      track.put("leftAt", t.leftAt() == null ? null : t.leftAt().toString());
      if (t.deployment() != null) {
        deployment(track.putObject("deployment"), t.deployment());
      }
    }
    if (r.verdict() != null) {
      ObjectNode verdict = node.putObject("verdict");
      verdict.put("outcome", r.verdict().outcome().name());
      ObjectNode counts = verdict.putObject("counts");
      r.verdict().counts().forEach((severity, n) -> counts.put(severity.name(), n));
      r.verdict().deciding().forEach(verdict.putArray("deciding")::add);
      r.verdict().allowed().forEach(verdict.putArray("allowed")::add);
    }
    var history = node.putArray("history");
    for (Release.Transition t : r.history()) {
      history.add(of(t));
    }
    return node;
  }

  private static void deployment(ObjectNode d, Release.Deployment dep) {
    d.put("taskDefinition", dep.taskDefinitionArn());
    d.put("previousTaskDefinition", dep.previousTaskDefinitionArn());
    d.put("deploymentId", dep.deploymentId());
    d.put("startedAt", dep.startedAt() == null ? null : dep.startedAt().toString());
    d.put("completedAt", dep.completedAt() == null ? null : dep.completedAt().toString());
    d.put("bakeUntil", dep.bakeUntil() == null ? null : dep.bakeUntil().toString());
  }

  /** One transition as JSON: at, from, to, detail. */
  public static ObjectNode of(Release.Transition t) {
    ObjectNode h = Json.mapper().createObjectNode();
    h.put("at", t.at().toString());
    h.put("from", t.from() == null ? null : t.from().name());
    h.put("to", t.to().name());
    h.put("detail", t.detail());
    return h;
  }
}
