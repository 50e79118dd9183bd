package dev.slipway.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.ecr.TagStatus;
import software.constructs.Construct;

/**
 * The image repository: immutable tags (a release id always names the same image), scan on push for
 * ECR basic scanning unless Inspector enhanced scanning is switched on for the account, and a
 * lifecycle that keeps recent releases and drops untagged platform manifests orphaned by deletes.
 */
public final class ImageRepository extends Construct {
  /** Validated props. */
  public record Props(String repositoryName, boolean enhancedScanning, int keepImages) {
    public Props {
      Objects.requireNonNull(repositoryName, "repositoryName");
      if (!repositoryName.matches(
          "[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*")) {
        throw new IllegalArgumentException(
            "repositoryName '" + repositoryName + "' is not a valid ECR name");
      }
      if (keepImages < 5 || keepImages > 10_000) {
        throw new IllegalArgumentException("keepImages " + keepImages + " must be 5..10000");
      }
    }
  }

  private final Repository repository;

  public ImageRepository(Construct scope, String id, Props props) {
    super(scope, id);
    repository =
        Repository.Builder.create(this, "Repository")
            .repositoryName(props.repositoryName())
            .imageTagMutability(TagMutability.IMMUTABLE)
            // With enhanced scanning, Inspector scans continuously and basic scan-on-push is
            // ignored.
            .imageScanOnPush(!props.enhancedScanning())
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .rulePriority(1)
                        .description("keep the newest releases")
                        .tagStatus(TagStatus.ANY)
                        .maxImageCount(props.keepImages())
                        .build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
  }

  public Repository repository() {
    return repository;
  }
}
