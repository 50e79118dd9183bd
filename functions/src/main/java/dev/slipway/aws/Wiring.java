package dev.slipway.aws;

import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.Pipeline;
import dev.slipway.engine.PortEffects;
import dev.slipway.engine.Timers;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The composition root shared by every handler: configuration read once from the environment, SDK
 * clients built once, and the pipeline assembled from the AWS adapters, one per API, each given the
 * one client it calls as a supplier ({@code aws::s3}): the client is built at its first call, so a
 * handler's cold start builds only the clients its own steps call (issue 19: building all eight
 * here took 0.65-0.75 s of every handler's constructor).
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
    return pipeline(env, clock, (AwsCredentialsProvider) null);
  }

  /** With the given credentials instead of the default chain ({@code null}: the default chain). */
  public static Pipeline pipeline(
      Map<String, String> env, Clock clock, AwsCredentialsProvider credentials) {
    return pipeline(env, clock, new AwsClients(env, credentials));
  }

  /** With the given clients, none of which is built here: each adapter builds its own at need. */
  public static Pipeline pipeline(Map<String, String> env, Clock clock, AwsClients aws) {
    EngineConfig config = EngineConfig.fromEnvironment(env);
    String ledgerBucket = env.getOrDefault("SLIPWAY_LEDGER_BUCKET", config.sourceBucket());
    String artifactBucket = env.getOrDefault("SLIPWAY_ARTIFACT_BUCKET", config.sourceBucket());
    CodeBuildBuilds builds =
        new CodeBuildBuilds(
            aws::codeBuild,
            new CodeBuildBuilds.Settings(
                config.compileProject(),
                config.imageProject(),
                artifactBucket,
                config.dockerfileProject()));
    EcsDeployments deployments = new EcsDeployments(aws::ecs, aws::ecsOnce);
    return new Pipeline(
        config,
        new Pipeline.Ports(
            new S3Ledger(aws::s3, ledgerBucket, "ledger/"),
            new S3SourceArchives(aws::s3, config.sourceBucket(), clock),
            new EcrImages(aws::ecr),
            builds,
            new S3BuildLogs(aws::s3, artifactBucket),
            deployments,
            new CloudWatchAlarms(aws::cloudWatch),
            new PortEffects(
                builds,
                deployments,
                new EventBridgeAnnouncements(
                    aws::events, env.getOrDefault("SLIPWAY_EVENT_BUS", "default")),
                timers(aws, env, clock),
                config.services()),
            aws::prime),
        clock);
  }

  /**
   * Bake timers on the deployment step's queue ({@code SLIPWAY_TIMER_QUEUE_URL}); without one (a
   * handler wired outside a stack), none: the reconciler's tick ends bakes, as before.
   */
  private static Timers timers(AwsClients aws, Map<String, String> env, Clock clock) {
    String queue = env.get("SLIPWAY_TIMER_QUEUE_URL");
    if (queue == null || queue.isBlank()) {
      return (release, at) -> {};
    }
    return new SqsTimers(aws::sqs, queue, clock);
  }
}
