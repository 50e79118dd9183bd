package dev.slipway.event;

import java.util.List;
import java.util.Objects;

/** An ECR basic scan finished (or failed) for one image digest. */
public record EcrImageScan(
    EventMeta meta,
    String status,
    String repository,
    String digest,
    List<String> tags,
    SeverityCounts severityCounts)
    implements PipelineEvent {
  public EcrImageScan {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    tags = List.copyOf(tags);
    Objects.requireNonNull(severityCounts, "severityCounts");
  }

  @Override
  public String kind() {
    return "ecr.image-scan";
  }
}
