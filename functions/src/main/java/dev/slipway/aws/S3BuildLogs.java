package dev.slipway.aws;

import dev.slipway.engine.BuildLogs;
import dev.slipway.engine.Unavailable;
import dev.slipway.release.BuildLog;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A failed build's last lines, which the buildspec leaves in S3 beside the build's outputs ({@code
 * artifactBucket}, under builds/<release id>/).
 */
public record S3BuildLogs(Supplier<S3Client> s3, String artifactBucket) implements BuildLogs {
  public S3BuildLogs(S3Client s3, String artifactBucket) {
    this(() -> s3, artifactBucket);
  }

  @Override
  public Optional<String> failure(String releaseId) throws Unavailable {
    String text;
    try {
      text =
          s3.get()
              .getObjectAsBytes(
                  r -> r.bucket(artifactBucket).key("builds/" + releaseId + "/build-failure.log"))
              .asUtf8String();
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      if (AwsErrors.isTransient(e)) {
        throw AwsErrors.unavailable(e);
      }
      return Optional.empty(); // refused: the reason without the line
    }
    return BuildLog.errorLine(text);
  }
}
