package dev.slipway.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The envelope of an event: who sent it, when, and its id (the cause recorded in a release's
 * history). {@code id}, {@code time}, {@code account} and {@code region} are null when the delivery
 * did not carry them (a classic S3 notification has no event id).
 */
public record EventMeta(
    String id,
    String source,
    String detailType,
    Instant time,
    String account,
    String region,
    List<String> resources) {
  public EventMeta {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detailType, "detailType");
    resources = List.copyOf(resources);
  }
}
