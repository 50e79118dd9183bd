package dev.slipway.aws;

import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.Pipeline;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The composition root shared by every handler: configuration read once from the environment, SDK
 * clients built once, and the pipeline assembled from the AWS adapters.
 *
 * <p>Environment: {@code SLIPWAY_SOURCE_BUCKET}, {@code SLIPWAY_SERVICES} (required); {@code
 * SLIPWAY_LEDGER_BUCKET} and {@code SLIPWAY_ARTIFACT_BUCKET} (default: the source bucket), {@code
 * SLIPWAY_COMPILE_PROJECT}, {@code SLIPWAY_IMAGE_PROJECT}, {@code SLIPWAY_EVENT_BUS} (default
 * {@code default}), {@code SLIPWAY_SCANNER} ({@code ecr} or {@code inspector}), {@code
 * SLIPWAY_ALARMS}, {@code SLIPWAY_STUCK_AFTER_SECONDS}, and the AWS SDK's own variables.
 */
public final class Wiring {
  private Wiring() {}

  public static Pipeline pipeline(Map<String, String> env, Clock clock) {
    return pipeline(env, clock, null);
  }

  /** With the given credentials instead of the default chain ({@code null}: the default chain). */
  public static Pipeline pipeline(
      Map<String, String> env, Clock clock, AwsCredentialsProvider credentials) {
    EngineConfig config = EngineConfig.fromEnvironment(env);
    AwsClients aws = new AwsClients(env, credentials);
    String ledgerBucket = env.getOrDefault("SLIPWAY_LEDGER_BUCKET", config.sourceBucket());
    AwsImages images =
        new AwsImages(aws, env.getOrDefault("SLIPWAY_ARTIFACT_BUCKET", config.sourceBucket()));
    AwsEffects effects =
        new AwsEffects(
            aws,
            new AwsEffects.Settings(
                config.compileProject(),
                config.imageProject(),
                env.getOrDefault("SLIPWAY_ARTIFACT_BUCKET", config.sourceBucket()),
                env.getOrDefault("SLIPWAY_EVENT_BUS", "default"),
                config.services()));
    return new Pipeline(
        config,
        new S3Ledger(aws.s3, ledgerBucket, "ledger/"),
        new S3SourceArchives(aws.s3, clock),
        images,
        images,
        effects,
        clock);
  }
}
