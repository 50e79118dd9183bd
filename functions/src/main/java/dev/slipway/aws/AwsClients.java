package dev.slipway.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients, built once per container (style §3): one url-connection HTTP client with
 * explicit timeouts, the region from the environment, and per-service endpoint overrides for an
 * emulator ({@code AWS_ENDPOINT_URL}, or {@code AWS_ENDPOINT_URL_<SERVICE>}, as the AWS CLI reads
 * them).
 */
public final class AwsClients implements AutoCloseable {
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  public final S3Client s3;
  public final CodeBuildClient codeBuild;
  public final EcrClient ecr;
  public final EcsClient ecs;

  /**
   * ECS without the SDK's retries, for {@code RegisterTaskDefinition}, which is not idempotent: a
   * retry after an answer lost in transit registers a second revision. The deploy effect retries
   * instead, after looking for the revision its earlier attempt may have registered.
   */
  public final EcsClient ecsOnce;

  public final EventBridgeClient events;
  public final CloudWatchClient cloudWatch;

  /** The bake timers' delayed messages (Timers). */
  public final SqsClient sqs;

  /** What an emulator on this machine is given: it takes any key, and the SDK insists on one. */
  public static final AwsCredentialsProvider EMULATOR_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  public AwsClients(Map<String, String> env) {
    this(env, null);
  }

  /**
   * With {@code credentials} instead of the SDK's default chain (the local runtime gives each
   * handler its own role's key; {@code null} means the default chain, as on Lambda).
   */
  public AwsClients(Map<String, String> env, AwsCredentialsProvider credentials) {
    this.credentials = credentials;
    http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(20))
            .build();
    Region region =
        Region.of(
            env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")));
    s3 =
        configure(S3Client.builder().forcePathStyle(endpoint(env, "S3") != null), env, "S3", region)
            .build();
    codeBuild = configure(CodeBuildClient.builder(), env, "CODEBUILD", region).build();
    ecr = configure(EcrClient.builder(), env, "ECR", region).build();
    ecs = configure(EcsClient.builder(), env, "ECS", region).build();
    var once = configure(EcsClient.builder(), env, "ECS", region);
    ecsOnce =
        once.overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(Duration.ofSeconds(30))
                    .apiCallAttemptTimeout(Duration.ofSeconds(10))
                    .retryStrategy(DefaultRetryStrategy.doNotRetry())
                    .build())
            .build();
    events = configure(EventBridgeClient.builder(), env, "EVENTBRIDGE", region).build();
    cloudWatch = configure(CloudWatchClient.builder(), env, "CLOUDWATCH", region).build();
    sqs = configure(SqsClient.builder(), env, "SQS", region).build();
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, Map<String, String> env, String service, Region region) {
    builder.region(region);
    builder.httpClient(http);
    if (credentials != null) {
      builder.credentialsProvider(credentials);
    }
    builder.overrideConfiguration(
        ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(30))
            .apiCallAttemptTimeout(Duration.ofSeconds(10))
            .build());
    String endpoint = endpoint(env, service);
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder;
  }

  private static String endpoint(Map<String, String> env, String service) {
    String specific = env.get("AWS_ENDPOINT_URL_" + service);
    return specific != null ? specific : env.get("AWS_ENDPOINT_URL");
  }

  @Override
  public void close() {
    s3.close();
    codeBuild.close();
    ecr.close();
    ecs.close();
    ecsOnce.close();
    events.close();
    cloudWatch.close();
    sqs.close();
    http.close();
  }
}
