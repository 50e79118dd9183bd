package dev.slipway.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The flat JSON view of a parsed event that `slipway event inspect` prints: {@code "kind"} first,
 * then the kind's fields in a fixed order, absent values as {@code null}. It is also the golden
 * form the tests compare, so a change here is a change to a documented output.
 */
public final class EventView {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EventView() {}

  /** The view of a typed or ignored event; malformed results have no view (they are errors). */
  public static ObjectNode of(ParseResult result) {
    if (result instanceof ParseResult.Parsed parsed) {
      return of(parsed.event());
    }
    if (result instanceof ParseResult.Ignored ignored) {
      ObjectNode out = NODES.objectNode();
      out.put("kind", "ignored");
      out.put("source", ignored.source());
      out.put("detailType", ignored.detailType());
      return out;
    }
    throw new IllegalArgumentException("a malformed result has no view: " + result);
  }

  /** The view of one typed event. */
  public static ObjectNode of(PipelineEvent event) {
    ObjectNode out = NODES.objectNode();
    out.put("kind", event.kind());
    if (event instanceof S3ObjectCreated e) {
      out.put("bucket", e.bucket());
      out.put("key", e.key());
      out.put("size", e.size());
      out.put("etag", e.etag());
      out.put("versionId", e.versionId());
      out.put("reason", e.reason());
    } else if (event instanceof EcrImageAction e) {
      out.put("action", e.action());
      out.put("result", e.result());
      out.put("repository", e.repository());
      out.put("digest", e.digest());
      out.put("tag", e.tag());
    } else if (event instanceof EcrImageScan e) {
      scan(out, e.status(), e.repository(), e.digest(), e.tags(), e.severityCounts());
    } else if (event instanceof InspectorScan e) {
      scan(out, e.status(), e.repository(), e.digest(), e.tags(), e.severityCounts());
    } else if (event instanceof InspectorFinding e) {
      out.put("findingArn", e.findingArn());
      out.put("severity", e.severity());
      out.put("status", e.status());
      out.put("type", e.type());
      out.put("vulnerabilityId", e.vulnerabilityId());
      out.put("repository", e.repository());
      out.put("digest", e.digest());
      ArrayNode packages = out.putArray("packages");
      for (InspectorFinding.VulnerablePackage p : e.packages()) {
        ObjectNode node = packages.addObject();
        node.put("name", p.name());
        node.put("version", p.version());
        node.put("fixedInVersion", p.fixedInVersion());
      }
    } else if (event instanceof CodeBuildBuildState e) {
      out.put("project", e.project());
      out.put("buildId", e.buildId());
      out.put("status", e.status());
      out.put("releaseId", e.releaseId());
    } else if (event instanceof CodeBuildPhaseChange e) {
      out.put("project", e.project());
      out.put("buildId", e.buildId());
      out.put("phase", e.phase());
      out.put("phaseStatus", e.phaseStatus());
    } else if (event instanceof EcsDeploymentState e) {
      out.put("name", e.name());
      out.put("deploymentId", e.deploymentId());
      out.put("serviceArn", e.serviceArn());
      out.put("reason", e.reason());
    } else if (event instanceof EcsServiceAction e) {
      out.put("name", e.name());
      out.put("clusterArn", e.clusterArn());
      out.put("serviceArn", e.serviceArn());
      out.put("reason", e.reason());
    } else if (event instanceof EcsTaskState e) {
      out.put("taskArn", e.taskArn());
      out.put("lastStatus", e.lastStatus());
      out.put("desiredStatus", e.desiredStatus());
      out.put("stopCode", e.stopCode());
      out.put("stoppedReason", e.stoppedReason());
      ArrayNode containers = out.putArray("containers");
      for (EcsTaskState.Container c : e.containers()) {
        ObjectNode node = containers.addObject();
        node.put("name", c.name());
        node.put("exitCode", c.exitCode());
        node.put("reason", c.reason());
      }
    } else if (event instanceof AlarmStateChange e) {
      out.put("alarm", e.alarm());
      out.put("state", e.state());
      out.put("previousState", e.previousState());
      out.put("reason", e.reason());
    } else if (event instanceof SlipwayEvent e) {
      out.put("service", e.service());
      out.put("releaseId", e.releaseId());
      for (Map.Entry<String, JsonNode> field : e.detail().properties()) {
        if (!field.getKey().equals("service") && !field.getKey().equals("releaseId")) {
          out.set(field.getKey(), field.getValue());
        }
      }
    }
    return out;
  }

  private static void scan(
      ObjectNode out,
      String status,
      String repository,
      String digest,
      List<String> tags,
      SeverityCounts counts) {
    out.put("status", status);
    out.put("repository", repository);
    out.put("digest", digest);
    ArrayNode tagArray = out.putArray("tags");
    tags.forEach(tagArray::add);
    ObjectNode countObject = out.putObject("severityCounts");
    counts.counts().forEach(countObject::put);
  }
}
