package dev.slipway.aws;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.ArtifactPackaging;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients, each built once per container and only when first asked for (style §3): a
 * handler pays at cold start for the clients its own steps call, not for all eight (building one
 * costs 60-100 ms of class loading and configuration on Lambda's C1-only JVM). One url-connection
 * HTTP client with explicit timeouts, the region read once from the environment, one credentials
 * provider shared by every client (resolved once, not per client), and per-service endpoint
 * overrides for an emulator ({@code AWS_ENDPOINT_URL}, or {@code AWS_ENDPOINT_URL_<SERVICE>}, as
 * the AWS CLI reads them).
 */
public final class AwsClients implements AutoCloseable {
  private final Lazy<PrimingHttpClient> http;
  private final Lazy<AwsCredentialsProvider> credentials;
  private final boolean ownCredentials;
  private final Map<String, String> env;
  private final Region region;
  private final Lazy<S3Client> s3;
  private final Lazy<CodeBuildClient> codeBuild;
  private final Lazy<EcrClient> ecr;
  private final Lazy<EcsClient> ecs;
  private final Lazy<EcsClient> ecsOnce;
  private final Lazy<EventBridgeClient> events;
  private final Lazy<CloudWatchClient> cloudWatch;
  private final Lazy<SqsClient> sqs;

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
    this.ownCredentials = credentials == null;
    // Built with the first client, not here: the HTTP client sets up TLS (the trust store) and
    // the default chain looks for credentials, 0.4 s of a cold start on Lambda's C1-only JVM that
    // a handler whose event calls nothing need not pay (SnapStart's priming builds them).
    this.credentials =
        new Lazy<>(
            () -> credentials != null ? credentials : DefaultCredentialsProvider.builder().build());
    this.env = Map.copyOf(env);
    http =
        new Lazy<>(
            () ->
                new PrimingHttpClient(
                    UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(20))
                        .build()));
    region =
        Region.of(
            env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")));
    s3 =
        new Lazy<>(
            () ->
                configure(S3Client.builder().forcePathStyle(endpoint("S3") != null), "S3").build());
    codeBuild = new Lazy<>(() -> configure(CodeBuildClient.builder(), "CODEBUILD").build());
    ecr = new Lazy<>(() -> configure(EcrClient.builder(), "ECR").build());
    ecs = new Lazy<>(() -> configure(EcsClient.builder(), "ECS").build());
    ecsOnce =
        new Lazy<>(
            () ->
                configure(EcsClient.builder(), "ECS")
                    .overrideConfiguration(
                        ClientOverrideConfiguration.builder()
                            .apiCallTimeout(Duration.ofSeconds(30))
                            .apiCallAttemptTimeout(Duration.ofSeconds(10))
                            .retryStrategy(DefaultRetryStrategy.doNotRetry())
                            .build())
                    .build());
    events = new Lazy<>(() -> configure(EventBridgeClient.builder(), "EVENTBRIDGE").build());
    cloudWatch = new Lazy<>(() -> configure(CloudWatchClient.builder(), "CLOUDWATCH").build());
    sqs = new Lazy<>(() -> configure(SqsClient.builder(), "SQS").build());
  }

  public S3Client s3() {
    return s3.get();
  }

  public CodeBuildClient codeBuild() {
    return codeBuild.get();
  }

  public EcrClient ecr() {
    return ecr.get();
  }

  public EcsClient ecs() {
    return ecs.get();
  }

  /**
   * ECS without the SDK's retries, for {@code RegisterTaskDefinition}, which is not idempotent: a
   * retry after an answer lost in transit registers a second revision. The deploy effect retries
   * instead, after looking for the revision its earlier attempt may have registered.
   */
  public EcsClient ecsOnce() {
    return ecsOnce.get();
  }

  public EventBridgeClient events() {
    return events.get();
  }

  public CloudWatchClient cloudWatch() {
    return cloudWatch.get();
  }

  /** The bake timers' delayed messages (Timers). */
  public SqsClient sqs() {
    return sqs.get();
  }

  /**
   * SnapStart priming (issue 19): builds every client and makes each call Slipway's adapters make,
   * answered without the network ({@link PrimingHttpClient}), so the snapshot Lambda takes after it
   * holds the clients built and each operation's marshaller, endpoint rules, signer and parser
   * loaded: the first event after a restore pays for none of it. Under SnapStart this runs once,
   * when a version is published, not in an invocation, so it primes all eight clients rather than
   * the ones a handler's steps call. Were a call ever sent, it would name resources that are no
   * one's ({@code slipway-priming}) and change nothing. Never fails. Returns how many calls were
   * answered locally (each went through the SDK's whole pipeline).
   */
  public int prime() {
    AwsRequestOverrideConfiguration here =
        AwsRequestOverrideConfiguration.builder().putHeader(PrimingHttpClient.HEADER, "1").build();
    String name = "slipway-priming";
    List<Runnable> calls =
        List.of(
            // S3: the ledger's conditional writes with their token; reads answered with an object
            // (the ledger's as bytes, an upload's as a stream: Pipeline#prime's real read is a 404,
            // which primes TLS and the error's parsing, not a found object's); heads; listings
            () ->
                s3().putObject(
                        r ->
                            r.bucket(name)
                                .key(name)
                                .contentType("application/json")
                                .ifNoneMatch("*")
                                .metadata(Map.of(S3Ledger.WRITE_TOKEN, name))
                                .overrideConfiguration(here),
                        RequestBody.fromString("{}")),
            () -> s3().getObjectAsBytes(r -> r.bucket(name).key(name).overrideConfiguration(here)),
            () -> {
              try (var in =
                  s3().getObject(r -> r.bucket(name).key(name).overrideConfiguration(here))) {
                in.readAllBytes();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            () -> s3().headObject(r -> r.bucket(name).key(name).overrideConfiguration(here)),
            () ->
                s3().listObjectVersions(
                        r -> r.bucket(name).prefix(name).maxKeys(1).overrideConfiguration(here)),
            () ->
                s3().listObjectsV2Paginator(
                        r -> r.bucket(name).prefix(name).delimiter("/").overrideConfiguration(here))
                    .forEach(page -> {}),
            // CodeBuild: a build started with its overrides, looked up, stopped
            () ->
                codeBuild()
                    .startBuild(
                        r ->
                            r.projectName(name)
                                .idempotencyToken(name)
                                .sourceTypeOverride(SourceType.S3)
                                .sourceLocationOverride(name + "/" + name)
                                .artifactsOverride(
                                    a ->
                                        a.type(ArtifactsType.S3)
                                            .location(name)
                                            .packaging(ArtifactPackaging.ZIP))
                                .environmentVariablesOverride(
                                    e ->
                                        e.name(name)
                                            .value(name)
                                            .type(EnvironmentVariableType.PLAINTEXT))
                                .overrideConfiguration(here)),
            () -> codeBuild().batchGetBuilds(r -> r.ids(name + ":0").overrideConfiguration(here)),
            () -> codeBuild().stopBuild(r -> r.id(name + ":0").overrideConfiguration(here)),
            // ECR: an image, its scan findings
            () -> ecr().describeImages(r -> r.repositoryName(name).overrideConfiguration(here)),
            () ->
                ecr()
                    .batchGetImage(
                        r ->
                            r.repositoryName(name)
                                .imageIds(i -> i.imageTag(name))
                                .overrideConfiguration(here)),
            () ->
                ecr()
                    .describeImageScanFindings(
                        r ->
                            r.repositoryName(name)
                                .imageId(i -> i.imageTag(name))
                                .overrideConfiguration(here)),
            // ECS: a deploy (register a revision, update the service) and the reads around it
            () ->
                ecs()
                    .describeServices(
                        r -> r.cluster(name).services(name).overrideConfiguration(here)),
            () ->
                ecs()
                    .describeTaskDefinition(
                        r -> r.taskDefinition(name).overrideConfiguration(here)),
            () -> ecs().listTaskDefinitions(r -> r.familyPrefix(name).overrideConfiguration(here)),
            () ->
                ecs()
                    .updateService(
                        r ->
                            r.cluster(name)
                                .service(name)
                                .taskDefinition(name)
                                .overrideConfiguration(here)),
            () ->
                ecsOnce()
                    .registerTaskDefinition(
                        r ->
                            r.family(name)
                                .containerDefinitions(c -> c.name(name).image(name))
                                .overrideConfiguration(here)),
            // an announcement, an alarm's state, a bake timer
            () ->
                events()
                    .putEvents(
                        r ->
                            r.entries(
                                    e ->
                                        e.eventBusName(name)
                                            .source(name)
                                            .detailType(name)
                                            .resources(List.of())
                                            .detail("{}"))
                                .overrideConfiguration(here)),
            () -> cloudWatch().describeAlarms(r -> r.alarmNames(name).overrideConfiguration(here)),
            () ->
                sqs()
                    .sendMessage(
                        r -> r.queueUrl(name).messageBody("{}").overrideConfiguration(here)));
    PrimingHttpClient local = http.get();
    int before = local.answered();
    for (Runnable call : calls) {
      try {
        call.run();
      } catch (RuntimeException ignored) {
        // an error answer primes its parser too; priming never fails
      }
    }
    return local.answered() - before;
  }

  /**
   * The clients built so far, by name ({@code s3}, {@code ecsOnce}, …): what a handler paid for.
   */
  public List<String> built() {
    return clients().entrySet().stream()
        .filter(e -> e.getValue().value != null)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Every client by name, in one place for {@link #built} and {@link #close}. */
  private Map<String, Lazy<?>> clients() {
    Map<String, Lazy<?>> all = new java.util.LinkedHashMap<>();
    all.put("s3", s3);
    all.put("codeBuild", codeBuild);
    all.put("ecr", ecr);
    all.put("ecs", ecs);
    all.put("ecsOnce", ecsOnce);
    all.put("events", events);
    all.put("cloudWatch", cloudWatch);
    all.put("sqs", sqs);
    return all;
  }

  /** A client built on first use, once, whichever thread asks first. */
  private static final class Lazy<T> {
    private final java.util.function.Supplier<T> make;
    private volatile T value;

    Lazy(java.util.function.Supplier<T> make) {
      this.make = make;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = make.get();
            value = v;
          }
        }
      }
      return v;
    }

    void close() throws Exception {
      if (value instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, String service) {
    builder.region(region);
    builder.httpClient(http.get());
    builder.credentialsProvider(credentials.get());
    builder.overrideConfiguration(
        ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(30))
            .apiCallAttemptTimeout(Duration.ofSeconds(10))
            .build());
    String endpoint = endpoint(service);
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder;
  }

  private String endpoint(String service) {
    String specific = env.get("AWS_ENDPOINT_URL_" + service);
    return specific != null ? specific : env.get("AWS_ENDPOINT_URL");
  }

  @Override
  public void close() {
    for (Lazy<?> client : clients().values()) {
      try {
        client.close();
      } catch (Exception e) {
        // closing: nothing to do about one that fails
      }
    }
    try {
      if (ownCredentials) {
        credentials.close();
      }
      http.close();
    } catch (Exception e) {
      // as above
    }
  }
}
