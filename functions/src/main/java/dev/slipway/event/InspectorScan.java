package dev.slipway.event;

import java.util.List;
import java.util.Objects;

/**
 * An Amazon Inspector enhanced scan of an ECR image finished. {@code repository} is the plain
 * repository name even though Inspector sends the repository ARN.
 */
public record InspectorScan(
    EventMeta meta,
    String status,
    String repository,
    String digest,
    List<String> tags,
    SeverityCounts severityCounts)
    implements PipelineEvent {
  public InspectorScan {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    tags = List.copyOf(tags);
    Objects.requireNonNull(severityCounts, "severityCounts");
  }

  @Override
  public String kind() {
    return "inspector2.scan";
  }
}
