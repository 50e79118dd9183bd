package dev.slipway.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One of Slipway's own events. {@code service} and {@code releaseId} are always present, {@code
 * imageDigest} where known; {@code detail} is the whole detail object (a private copy), for the
 * fields particular to each detail-type.
 */
public record SlipwayEvent(
    EventMeta meta,
    SlipwayDetailType type,
    String service,
    String releaseId,
    String imageDigest,
    ObjectNode detail)
    implements PipelineEvent {
  public SlipwayEvent {
    detail = detail.deepCopy();
  }

  /** A copy of the detail, so the record stays immutable. */
  @Override
  public ObjectNode detail() {
    return detail.deepCopy();
  }

  /** One member of the detail, or null. */
  public JsonNode detailField(String name) {
    JsonNode value = detail.get(name);
    return value == null ? null : value.deepCopy();
  }

  @Override
  public String kind() {
    return type.kind();
  }
}
