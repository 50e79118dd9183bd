package dev.slipway.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The source bucket: uploads under {@code sources/<service>/}, build outputs under {@code builds/},
 * and the release ledger under {@code ledger/}. Versioned (a release is tied to one version of its
 * upload), EventBridge notifications on, public access blocked, TLS only, encrypted, access-logged,
 * and old sources and builds expire.
 */
public final class SourceBucket extends Construct {
  /** Validated props: an optional fixed name and how long sources and builds are kept. */
  public record Props(String bucketName, int retentionDays) {
    public Props {
      if (bucketName != null && !bucketName.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException(
            "bucketName '" + bucketName + "' is not a valid S3 bucket name");
      }
      if (retentionDays < 1 || retentionDays > 3650) {
        throw new IllegalArgumentException("retentionDays " + retentionDays + " must be 1..3650");
      }
    }
  }

  private final Bucket bucket;

  public SourceBucket(Construct scope, String id, Props props) {
    super(scope, id);
    Objects.requireNonNull(props, "props");
    Bucket logs =
        Bucket.Builder.create(this, "AccessLogs")
            .encryption(BucketEncryption.S3_MANAGED)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .enforceSsl(true)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(90)).build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    bucket =
        Bucket.Builder.create(this, "Bucket")
            .bucketName(props.bucketName())
            .versioned(true)
            .eventBridgeEnabled(true)
            .encryption(BucketEncryption.S3_MANAGED)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .enforceSsl(true)
            .serverAccessLogsBucket(logs)
            .serverAccessLogsPrefix("source-bucket/")
            .lifecycleRules(
                List.of(
                    // Every upload has a key of its own, so its version stays current: sources
                    // expire by age, not only their overwritten versions.
                    LifecycleRule.builder()
                        .id("old-sources")
                        .prefix("sources/")
                        .expiration(Duration.days(props.retentionDays()))
                        .noncurrentVersionExpiration(Duration.days(1))
                        .build(),
                    // Each conditional write of a record leaves a noncurrent version behind.
                    LifecycleRule.builder()
                        .id("old-ledger-versions")
                        .prefix("ledger/")
                        .noncurrentVersionExpiration(Duration.days(props.retentionDays()))
                        .build(),
                    LifecycleRule.builder()
                        .id("old-builds")
                        .prefix("builds/")
                        .expiration(Duration.days(props.retentionDays()))
                        .noncurrentVersionExpiration(Duration.days(1))
                        .build(),
                    LifecycleRule.builder()
                        .id("aborted-uploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
  }

  public IBucket bucket() {
    return bucket;
  }
}
