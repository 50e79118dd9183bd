package dev.slipway.event;

import java.util.List;

/**
 * An image scan finished (or failed) for one image digest: ECR basic scanning's {@code ECR Image
 * Scan} or Amazon Inspector's {@code Inspector2 Scan} (enhanced scanning), which {@code eventKind}
 * tells apart. {@code repository} is the plain repository name even though Inspector sends the
 * repository ARN.
 */
public record ImageScan(
    EventMeta meta,
    EventKind eventKind,
    String status,
    String repository,
    String digest,
    List<String> tags,
    SeverityCounts severityCounts)
    implements PipelineEvent {
  public ImageScan {
    if (eventKind != EventKind.ECR_IMAGE_SCAN && eventKind != EventKind.INSPECTOR_SCAN) {
      throw new IllegalArgumentException("not a scan kind: " + eventKind);
    }
    tags = List.copyOf(tags);
  }
}
