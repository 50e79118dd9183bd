package dev.slipway.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The events AWS would send that the emulator never emits (CodeBuild, ECR, ECS, CloudWatch), put on
 * the emulator's bus with the real shapes, so the installed rules route them like AWS's own.
 */
final class AwsSide {
  private final AwsClients aws;
  final String account;
  final String region;

  AwsSide(AwsClients aws, String account, String region) {
    this.aws = aws;
    this.account = account;
    this.region = region;
  }

  private void put(String source, String detailType, List<String> resources, ObjectNode detail) {
    var response =
        aws.events()
            .putEvents(
                r ->
                    r.entries(
                        e ->
                            e.source(source)
                                .detailType(detailType)
                                .resources(resources)
                                .detail(detail.toString())));
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      throw new IllegalStateException(
          "PutEvents refused " + detailType + ": " + response.entries().get(0).errorMessage());
    }
  }

  /**
   * CodeBuild's build state event; {@code artifactSha256} (null: none) as AWS reports the output
   * artifact's checksum in it ({@code additional-information.artifact.sha256sum}, the user guide's
   * sample), the same BatchGetBuilds answers.
   */
  void buildState(
      String project, String buildArn, String status, String releaseId, String artifactSha256) {
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("build-status", status).put("project-name", project).put("build-id", buildArn);
    ObjectNode information = d.putObject("additional-information");
    if (artifactSha256 != null) {
      information.putObject("artifact").put("sha256sum", artifactSha256);
    }
    ArrayNode vars = information.putObject("environment").putArray("environment-variables");
    vars.addObject()
        .put("name", "SLIPWAY_RELEASE_ID")
        .put("type", "PLAINTEXT")
        .put("value", releaseId);
    d.put("current-phase", status.equals("IN_PROGRESS") ? "BUILD" : "COMPLETED")
        .put("version", "1");
    put("aws.codebuild", "CodeBuild Build State Change", List.of(buildArn), d);
  }

  void imagePushed(String repository, String digest, String tag) {
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("result", "SUCCESS")
        .put("repository-name", repository)
        .put("image-digest", digest)
        .put("action-type", "PUSH")
        .put("image-tag", tag);
    put("aws.ecr", "ECR Image Action", List.of(), d);
  }

  /** Inspector's scan event: the repository as an ARN, counts with their TOTAL, as AWS sends it. */
  void inspectorScanned(String repository, String digest, String tag, Map<String, Integer> counts) {
    String arn = "arn:aws:ecr:" + region + ":" + account + ":repository/" + repository;
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("scan-status", "INITIAL_SCAN_COMPLETE")
        .put("repository-name", arn)
        .put("image-digest", digest);
    ObjectNode c = d.putObject("finding-severity-counts");
    counts.forEach(c::put);
    c.put("TOTAL", counts.values().stream().mapToInt(Integer::intValue).sum());
    d.putArray("image-tags").add(tag);
    put("aws.inspector2", "Inspector2 Scan", List.of(arn), d);
  }

  /** ECR's basic scan event for a scan that ended without findings (its status says why). */
  void imageScanFailed(String repository, String digest) {
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("scan-status", "FAILED").put("repository-name", repository).put("image-digest", digest);
    d.putObject("finding-severity-counts");
    d.putArray("image-tags");
    put(
        "aws.ecr",
        "ECR Image Scan",
        List.of("arn:aws:ecr:" + region + ":" + account + ":repository/" + repository),
        d);
  }

  void deployment(String serviceArn, String name, String deploymentId, String reason) {
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("eventType", name.endsWith("FAILED") ? "ERROR" : "INFO")
        .put("eventName", name)
        .put("deploymentId", deploymentId)
        .put("updatedAt", Instant.now().toString())
        .put("reason", reason);
    put("aws.ecs", "ECS Deployment State Change", List.of(serviceArn), d);
  }

  void alarm(String alarm, String reason) {
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("alarmName", alarm);
    d.putObject("state")
        .put("value", "ALARM")
        .put("reason", reason)
        .put("timestamp", Instant.now().toString());
    d.putObject("previousState").put("value", "OK");
    put(
        "aws.cloudwatch",
        "CloudWatch Alarm State Change",
        List.of("arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + alarm),
        d);
  }
}
