package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import dev.slipway.release.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ECS's account of its deployments, which moto does not keep: moto gives a service one deployment
 * id for its whole life and leaves its rollout state IN_PROGRESS forever, so nothing could learn
 * from ECS that a rollout ended (the reconciler's way to recover a lost deployment event on AWS).
 * The local pass-through rewrites ECS's service answers with this: each task definition a service
 * runs is its own deployment, with an id derived from the service and the task definition (stable
 * across a restart's replay, unlike moto's random ids), and the rollout state the task runner
 * reported for it; ended deployments the service has moved on from stay listed as INACTIVE, as ECS
 * lists them for a while. Kept in {@code STATE/rollouts.json}.
 */
final class Rollouts {
  static final String FILE = "rollouts.json";

  /** One deployment that ended: whose, of which task definition, and how. */
  record Ended(String serviceArn, String taskDefinition, boolean completed) {}

  private final Path file;
  private final Map<String, Ended> ended = new ConcurrentHashMap<>();

  Rollouts(Path state) throws IOException {
    this.file = state.resolve(FILE);
    if (Files.exists(file)) {
      Json.parse(Files.readString(file), "$")
          .fields()
          .forEachRemaining(
              e ->
                  ended.put(
                      e.getKey(),
                      new Ended(
                          e.getValue().path("serviceArn").asText(),
                          e.getValue().path("taskDefinition").asText(),
                          e.getValue().path("completed").asBoolean())));
    }
  }

  /** ECS's id for the deployment of {@code taskDefinition} to {@code serviceArn}. */
  static String deploymentId(String serviceArn, String taskDefinition) {
    byte[] hash = Sha256.of((serviceArn + "|" + taskDefinition).getBytes(StandardCharsets.UTF_8));
    long n = 0;
    for (int i = 0; i < 8; i++) {
      n = (n << 8) | (hash[i] & 0xff);
    }
    return "ecs-svc/" + String.format("%019d", n & Long.MAX_VALUE);
  }

  /** Records how the rollout of {@code taskDefinition} to {@code serviceArn} ended. */
  synchronized void ended(String serviceArn, String taskDefinition, boolean completed) {
    ended.put(
        deploymentId(serviceArn, taskDefinition), new Ended(serviceArn, taskDefinition, completed));
    ObjectNode all = Json.mapper().createObjectNode();
    new TreeMap<>(ended)
        .forEach(
            (id, e) ->
                all.putObject(id)
                    .put("serviceArn", e.serviceArn())
                    .put("taskDefinition", e.taskDefinition())
                    .put("completed", e.completed()));
    try {
      StateDirectory.writeAtomically(file, all.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * ECS's answer to DescribeServices, CreateService or UpdateService as ECS would give it: each
   * service's deployments as this class keeps them. Anything that is not such an answer is returned
   * as it is.
   */
  byte[] rewrite(byte[] answer) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(answer);
    } catch (IOException e) {
      return answer;
    }
    if (root == null || !root.isObject()) {
      return answer;
    }
    boolean changed = false;
    if (root.path("service").isObject()) {
      changed |= rewriteService((ObjectNode) root.get("service"));
    }
    for (JsonNode service : root.path("services")) {
      if (service.isObject()) {
        changed |= rewriteService((ObjectNode) service);
      }
    }
    return changed ? root.toString().getBytes(StandardCharsets.UTF_8) : answer;
  }

  private boolean rewriteService(ObjectNode service) {
    String arn = service.path("serviceArn").asText(null);
    String current = service.path("taskDefinition").asText(null);
    if (arn == null || current == null || !service.path("deployments").isArray()) {
      return false;
    }
    ArrayNode deployments = (ArrayNode) service.get("deployments");
    String primaryId = deploymentId(arn, current);
    for (JsonNode d : deployments) {
      if ("PRIMARY".equals(d.path("status").asText()) && d.isObject()) {
        ObjectNode primary = (ObjectNode) d;
        primary.put("id", primaryId);
        primary.put("taskDefinition", current);
        Ended end = ended.get(primaryId);
        state(primary, primaryId, end);
      }
    }
    ended.forEach(
        (id, end) -> {
          if (end.serviceArn().equals(arn) && !id.equals(primaryId)) {
            ObjectNode old = deployments.addObject();
            old.put("id", id);
            old.put("status", "INACTIVE");
            old.put("taskDefinition", end.taskDefinition());
            state(old, id, end);
          }
        });
    return true;
  }

  private static void state(ObjectNode deployment, String id, Ended end) {
    String rollout = end == null ? "IN_PROGRESS" : end.completed() ? "COMPLETED" : "FAILED";
    deployment.put("rolloutState", rollout);
    deployment.put(
        "rolloutStateReason",
        end == null
            ? "ECS deployment " + id + " in progress."
            : end.completed()
                ? "ECS deployment " + id + " completed."
                : "ECS deployment circuit breaker: tasks failed to start.");
  }
}
