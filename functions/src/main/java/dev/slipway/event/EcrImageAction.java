package dev.slipway.event;

/**
 * An image was pushed to or deleted from ECR. {@code tag} is null for a push by digest (AWS sends
 * an empty {@code image-tag}); {@code digest} is the manifest digest ({@code sha256:...}).
 */
public record EcrImageAction(
    EventMeta meta, String action, String result, String repository, String digest, String tag)
    implements PipelineEvent {
  /** True for a successful push, the only action that can start or advance a release. */
  public boolean isSuccessfulPush() {
    return "PUSH".equals(action) && "SUCCESS".equals(result);
  }
}
