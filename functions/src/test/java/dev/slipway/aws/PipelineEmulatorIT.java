package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.Fixtures;
import dev.slipway.engine.MutableClock;
import dev.slipway.engine.Pipeline;
import dev.slipway.handler.ApprovalHandler;
import dev.slipway.handler.BuildStateHandler;
import dev.slipway.handler.DeploymentHandler;
import dev.slipway.handler.ImagePushedHandler;
import dev.slipway.handler.ReconcilerHandler;
import dev.slipway.handler.ScanHandler;
import dev.slipway.handler.SlipwayHandler;
import dev.slipway.handler.SourceUploadedHandler;
import dev.slipway.json.Json;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.SourceRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The handlers end to end against the AWS emulator (moto_server over HTTP, the real SDK and the
 * real adapters): S3 with versioning, EventBridge notifications and conditional writes for the
 * ledger; EventBridge rules with SQS targets; ECR images, scans and findings; ECS task definitions
 * and services. CodeBuild is played by {@link FakeCodeBuild} (moto's CodeBuild answers cannot be
 * read by the Java SDK); the events moto never emits (CodeBuild, ECR, ECS, CloudWatch) are sent by
 * the test with the real shapes, taken from {@code events/}.
 */
class PipelineEmulatorIT {
  static final String CLUSTER = "slipway-demo";

  static final String BUCKET = "slipway-sources";
  static final String REPOSITORY = "slipway/hello-go";
  static final String ACCOUNT = "123456789012";
  static final String REGION = "us-east-1";
  static final Path ROOT = Path.of(System.getProperty("slipway.root", ".."));

  @RegisterExtension static final Emulator emulator = new Emulator(REGION);
  static FakeCodeBuild codeBuild;

  /** Clients of the emulator, but CodeBuild's is the fake's. */
  static AwsClients aws;

  final MutableClock clock = new MutableClock(Instant.now());
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
  Pipeline pipeline;
  String s3Queue;
  String slipwayQueue;
  String originalTaskDefinition;

  @BeforeAll
  static void start() throws Exception {
    codeBuild = new FakeCodeBuild();
    aws = new AwsClients(env(), AwsClients.EMULATOR_CREDENTIALS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (aws != null) {
      aws.close();
    }
    if (codeBuild != null) {
      codeBuild.close();
    }
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", REGION);
    env.put("AWS_ENDPOINT_URL", emulator.endpoint());
    env.put("AWS_ENDPOINT_URL_CODEBUILD", codeBuild.endpoint());
    env.put("SLIPWAY_SOURCE_BUCKET", BUCKET);
    env.put(
        dev.slipway.release.DeclarationsReader.ENVIRONMENT_VARIABLE,
        dev.slipway.release.DeclarationsReader.toJson(dev.slipway.engine.FakeWorld.DECLARATIONS));
    env.put("SLIPWAY_ALARMS", "hello-go-5xx=hello-go");
    return env;
  }

  @BeforeEach
  void resources() throws Exception {
    emulator.reset();
    codeBuild.reset();
    aws.s3().createBucket(r -> r.bucket(BUCKET));
    aws.s3()
        .putBucketVersioning(
            r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
    aws.s3()
        .putBucketNotificationConfiguration(
            r ->
                r.bucket(BUCKET)
                    .notificationConfiguration(n -> n.eventBridgeConfiguration(e -> {})));
    s3Queue =
        queue(
            "s3-events",
            "{\"source\": [\"aws.s3\"], \"detail-type\": [\"Object Created\"],"
                + " \"detail\": {\"bucket\": {\"name\": [\""
                + BUCKET
                + "\"]}, \"object\": {\"key\": [{\"prefix\": \"sources/\"}]}}}");
    slipwayQueue = queue("slipway-events", "{\"source\": [\"slipway\"]}");
    aws.ecr().createRepository(r -> r.repositoryName(REPOSITORY));
    // The cluster examples/hello-go/slipway.json deploys to.
    aws.ecs().createCluster(r -> r.clusterName(CLUSTER));
    originalTaskDefinition =
        aws.ecs()
            .registerTaskDefinition(
                r ->
                    r.family("hello-go")
                        .networkMode("awsvpc")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .cpu("256")
                        .memory("512")
                        .containerDefinitions(
                            c ->
                                c.name("hello-go")
                                    .image(
                                        ACCOUNT
                                            + ".dkr.ecr.us-east-1.amazonaws.com/"
                                            + REPOSITORY
                                            + "@sha256:"
                                            + "0".repeat(64))
                                    .essential(true)))
            .taskDefinition()
            .taskDefinitionArn();
    aws.ecs()
        .createService(
            r ->
                r.cluster(CLUSTER)
                    .serviceName("hello-go")
                    .taskDefinition(originalTaskDefinition)
                    .desiredCount(1));
    pipeline = Wiring.pipeline(env(), clock, AwsClients.EMULATOR_CREDENTIALS);
  }

  private String queue(String name, String pattern) {
    String url = emulator.sqs().createQueue(r -> r.queueName(name)).queueUrl();
    String arn = "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + name;
    aws.events().putRule(r -> r.name(name).eventPattern(pattern));
    aws.events().putTargets(r -> r.rule(name).targets(t -> t.id("queue").arn(arn)));
    return url;
  }

  private List<JsonNode> drain(String queueUrl, int atLeast) {
    List<JsonNode> bodies = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 10_000;
    while (bodies.size() < atLeast && System.currentTimeMillis() < deadline) {
      for (Message m :
          emulator
              .sqs()
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages()) {
        bodies.add(Json.parse(m.body(), "$"));
        emulator.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
    }
    return bodies;
  }

  /**
   * Hands one event to a handler and returns its answer; here the handler object itself, in this
   * JVM ({@link ShrunkPackageIT} runs the same class from the deployment package instead).
   */
  String invoke(SlipwayHandler handler, String payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A sample event from events/ with its identities replaced by this run's. */
  private String sample(String path, Map<String, String> replacements) throws IOException {
    String text = Files.readString(ROOT.resolve("events").resolve(path));
    for (var e : replacements.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    return text;
  }

  private Release release(String id) throws IOException {
    byte[] bytes =
        aws.s3()
            .getObjectAsBytes(r -> r.bucket(BUCKET).key("ledger/releases/hello-go/" + id + ".json"))
            .asByteArray();
    return Json.mapper().readValue(bytes, Release.class);
  }

  static byte[] zip(Path dir, Map<String, String> overrides) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String name : List.of("go.mod", "main.go", "slipway.json")) {
        zip.putNextEntry(new ZipEntry(name)); // at the root, as CodeBuild extracts it
        zip.write(
            overrides.containsKey(name)
                ? overrides.get(name).getBytes(StandardCharsets.UTF_8)
                : Files.readAllBytes(dir.resolve(name)));
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** Uploads the example, delivers moto's real S3 notification through the rule's queue. */
  private String upload(Map<String, String> overrides) throws IOException {
    String key = "sources/hello-go/build-" + System.nanoTime() + ".zip";
    var put =
        aws.s3()
            .putObject(
                r -> r.bucket(BUCKET).key(key),
                RequestBody.fromBytes(zip(ROOT.resolve("examples/hello-go"), overrides)));
    List<JsonNode> notifications = drain(s3Queue, 1);
    assertThat(notifications).as("moto's S3 -> EventBridge -> SQS notification").hasSize(1);
    String response =
        invoke(
            new SourceUploadedHandler(pipeline, log),
            Fixtures.sqsBatch(notifications.get(0).toString()));
    assertThat(response)
        .as(logBytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"batchItemFailures\":[]}");
    return new SourceRef(BUCKET, key, put.versionId(), put.eTag().replace("\"", "")).releaseId();
  }

  private String buildId(int index) {
    return codeBuild.arns.get(index);
  }

  /** The checksum the project's compile-succeeded sample carries for its artifact. */
  static final String SAMPLE_SHA256 =
      "9c2f6a7e1d4b8c3a5f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a";

  /** Through builds, push and scans to DEPLOYING; returns the index digest. */
  private String toDeploying(String id) throws Exception {
    String compile = buildId(0);
    // CodeBuild's end event carries the artifact's checksum, the same BatchGetBuilds answers.
    compileSucceeded(id, compile, FakeCodeBuild.checksum(FakeCodeBuild.id(compile)));
    // The image build's pin came from the event: CodeBuild was not asked (issue 19).
    assertThat(codeBuild.looked).isEmpty();
    assertThat(codeBuild.started)
        .as("the image build was started; %s vs %s", release(id).compileBuildId(), compile)
        .hasSize(2);
    JsonNode imageRequest = codeBuild.started.get(1);
    assertThat(imageRequest.path("projectName").asText()).isEqualTo("slipway-image");
    // No S3 source: the image build fetches the compile output itself and uses it only with the
    // checksum CodeBuild reported for this release's own compile build.
    assertThat(imageRequest.path("sourceTypeOverride").asText()).isEqualTo("NO_SOURCE");
    assertThat(imageBuildEnvironment())
        .containsEntry("SLIPWAY_DIST_URL", "s3://" + BUCKET + "/builds/" + id + "/dist.zip")
        .containsEntry("SLIPWAY_DIST_SHA256", FakeCodeBuild.checksum(FakeCodeBuild.id(compile)))
        .containsEntry("SLIPWAY_REPOSITORY", "slipway/hello-go");
    String image = buildId(1);
    invoke(
        new BuildStateHandler(pipeline, log),
        sample(
            "codebuild/build-state-image-succeeded.json",
            Map.of(
                "hello-go-25f25853d6a0", id,
                "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-image:1e2d3c4b-5a6f-4e7d-9c8b-0a9f8e7d6c5b",
                    image)));

    // What `slipway image` pushes: one manifest per platform, then the index under the release tag.
    List<String> platformDigests = new ArrayList<>();
    ArrayNode manifests = Json.mapper().createArrayNode();
    for (String arch : List.of("amd64", "arm64")) {
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
              + "1".repeat(63)
              + (arch.equals("amd64") ? "a" : "b")
              + "\",\"size\":1},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
              + (arch.equals("amd64") ? "2" : "3").repeat(64)
              + "\",\"size\":1}]}";
      String digest =
          aws.ecr()
              .putImage(
                  r ->
                      r.repositoryName(REPOSITORY)
                          .imageManifest(manifest)
                          .imageManifestMediaType("application/vnd.oci.image.manifest.v1+json")
                          .imageTag(id + "-" + arch))
              .image()
              .imageId()
              .imageDigest();
      platformDigests.add(digest);
      ObjectNode entry = manifests.addObject();
      entry
          .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
          .put("digest", digest)
          .put("size", manifest.length());
      entry.putObject("platform").put("architecture", arch).put("os", "linux");
    }
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
            + manifests
            + "}";
    String indexDigest =
        aws.ecr()
            .putImage(
                r ->
                    r.repositoryName(REPOSITORY)
                        .imageManifest(index)
                        .imageManifestMediaType("application/vnd.oci.image.index.v1+json")
                        .imageTag(id))
            .image()
            .imageId()
            .imageDigest();
    String push =
        sample(
            "ecr/image-action-push.json",
            Map.of(
                "hello-go-25f25853d6a0", id,
                "sha256:9b2e1d0c4f6a8b3e5d7c9a1f2e4b6d8a0c3e5f7a9b1d3f5e7a9c1b3d5f7e9a1b",
                    indexDigest,
                "210987654321", ACCOUNT,
                "eu-west-1", REGION));
    invoke(new ImagePushedHandler(pipeline, log), push);
    assertThat(release(id).state()).isEqualTo(ReleaseState.SCANNING);
    assertThat(release(id).image().platformDigests()).containsExactlyElementsOf(platformDigests);

    // ECR scans each platform image; moto returns the findings queued here.
    ArrayNode results = Json.mapper().createArrayNode();
    for (String digest : platformDigests) {
      String tag = id + "-" + (platformDigests.indexOf(digest) == 0 ? "amd64" : "arm64");
      aws.ecr()
          .startImageScan(
              r -> r.repositoryName(REPOSITORY).imageId(i -> i.imageDigest(digest).imageTag(tag)));
      ObjectNode result = results.addObject();
      ObjectNode findings = result.putObject("imageScanFindings");
      findings
          .putArray("findings")
          .addObject()
          .put("name", "GO-2099-0001")
          .put("severity", "LOW")
          .putArray("attributes");
      findings.putObject("findingSeverityCounts").put("LOW", 1);
      result.put("registryId", ACCOUNT).put("repositoryName", REPOSITORY);
      result.putObject("imageId").put("imageDigest", digest);
      result.putObject("imageScanStatus").put("status", "COMPLETE").put("description", "done");
    }
    emulator.post("/moto-api/static/ecr/scan-finding-results", "{\"results\": " + results + "}");
    for (String digest : platformDigests) {
      invoke(
          new ScanHandler(pipeline, log),
          sample(
              "ecr/image-scan-complete-clean.json",
              Map.of(
                  "sha256:9b2e1d0c4f6a8b3e5d7c9a1f2e4b6d8a0c3e5f7a9b1d3f5e7a9c1b3d5f7e9a1b", digest,
                  "hello-go-25f25853d6a0", id,
                  "210987654321", ACCOUNT,
                  "eu-west-1", REGION,
                  // AWS gives each event its own id
                  "a3b4c5d6-e7f8-4901-9b2c-3d4e5f6a7b8c", java.util.UUID.randomUUID().toString())));
    }
    return indexDigest;
  }

  private Service service() {
    return aws.ecs()
        .describeServices(r -> r.cluster(CLUSTER).services("hello-go"))
        .services()
        .get(0);
  }

  @Test
  void aManifestsGoVersion_reachesTheCompileBuild() throws Exception {
    String manifest =
        Files.readString(ROOT.resolve("examples/hello-go/slipway.json"))
            .replace(
                "\"service\": \"hello-go\",", "\"service\": \"hello-go\", \"go\": \"1.25.3\",");
    String id = upload(Map.of("slipway.json", manifest));

    JsonNode compileRequest = codeBuild.started.get(codeBuild.started.size() - 1);
    assertThat(compileRequest.path("idempotencyToken").asText()).isEqualTo(id + "-compile");
    assertThat(compileRequest.path("environmentVariablesOverride").toString())
        .contains("{\"name\":\"SLIPWAY_GO_VERSION\",\"value\":\"1.25.3\"");
  }

  @Test
  void uploadToLive_throughTheEmulator() throws Exception {
    String id = upload(Map.of());
    assertThat(release(id).state()).isEqualTo(ReleaseState.BUILDING);
    JsonNode compileRequest = codeBuild.started.get(0);
    assertThat(compileRequest.path("projectName").asText()).isEqualTo("slipway-compile");
    assertThat(compileRequest.path("idempotencyToken").asText()).isEqualTo(id + "-compile");
    assertThat(compileRequest.path("environmentVariablesOverride").toString())
        .contains("\"SLIPWAY_RELEASE_ID\"")
        .contains(id)
        .as("no Go of its own in the example's manifest: the project's pinned one")
        .doesNotContain("SLIPWAY_GO_VERSION");

    String indexDigest = toDeploying(id);

    Release deploying = release(id);
    assertThat(deploying.state())
        .as(logBytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(ReleaseState.DEPLOYING);
    Service service = service();
    assertThat(service.taskDefinition())
        .isEqualTo(deploying.deployment().taskDefinitionArn())
        .isNotEqualTo(originalTaskDefinition);
    var taskDefinition =
        aws.ecs()
            .describeTaskDefinition(r -> r.taskDefinition(service.taskDefinition()))
            .taskDefinition();
    assertThat(taskDefinition.containerDefinitions().get(0).image())
        .isEqualTo(ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com/" + REPOSITORY + "@" + indexDigest);
    assertThat(aws.ecs().listTaskDefinitions(r -> r.familyPrefix("hello-go")).taskDefinitionArns())
        .hasSize(2);

    String deploymentId = deploying.deployment().deploymentId();
    assertThat(deploymentId).isNotBlank();
    invoke(
        new DeploymentHandler(pipeline, log),
        sample(
            "ecs/deployment-completed.json", Map.of("ecs-svc/4827193650284719365", deploymentId)));
    assertThat(release(id).state()).isEqualTo(ReleaseState.DEPLOYING);
    // ECS's event found the release as the one deploying in its service (the index), and was
    // applied, though the deploy wrote no join key for its deployment (issue 19).
    assertThat(release(id).seenEvents()).contains("3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f");
    assertThat(
            aws.s3()
                .listObjectsV2(r -> r.bucket(BUCKET).prefix("ledger/links/deployment/"))
                .contents())
        .isEmpty();
    clock.advance(Duration.ofSeconds(301));
    invoke(new ReconcilerHandler(pipeline, log), "{}");

    Release live = release(id);
    assertThat(live.state()).isEqualTo(ReleaseState.LIVE);
    assertThat(live.history().stream().map(Release.Transition::to))
        .containsExactlyElementsOf(Fixtures.TO_LIVE);
    List<String> announced =
        drain(slipwayQueue, 8).stream().map(e -> e.path("detail-type").asText()).toList();
    assertThat(announced)
        .containsExactlyInAnyOrder(
            "Release Requested",
            "Release Building",
            "Release Scanning",
            "Release Built",
            "Image Ready",
            "Release Approved",
            "Deployment Started",
            "Release Live");
    var index =
        Json.parse(
            new String(
                aws.s3()
                    .getObjectAsBytes(
                        r -> r.bucket(BUCKET).key("ledger/releases/hello-go/index.json"))
                    .asByteArray(),
                StandardCharsets.UTF_8),
            "$");
    assertThat(index.path("releases").get(0).path("state").asText()).isEqualTo("LIVE");
  }

  @Test
  void rollbackThroughTheSteeringUrl_endsTheLiveRelease_andRestoresTheService() throws Exception {
    String id = upload(Map.of());
    toDeploying(id);
    invoke(
        new DeploymentHandler(pipeline, log),
        sample(
            "ecs/deployment-completed.json",
            Map.of("ecs-svc/4827193650284719365", release(id).deployment().deploymentId())));
    clock.advance(Duration.ofSeconds(301));
    invoke(new ReconcilerHandler(pipeline, log), "{}");
    assertThat(release(id).state()).isEqualTo(ReleaseState.LIVE);

    // A function URL request (payload 2.0) as Lambda passes it, signed by an IAM user.
    String request =
        Fixtures.urlRequest(
            "/rollback",
            "{\"service\": \"hello-go\", \"reason\": \"5xx after release\"}",
            "arn:aws:iam::" + ACCOUNT + ":user/release-manager");
    JsonNode answer = Json.parse(invoke(new ApprovalHandler(pipeline, log), request), "$");

    assertThat(answer.path("statusCode").asInt())
        .as(answer + "\n" + logBytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(Json.parse(answer.path("body").asText(), "$").path("state").asText())
        .isEqualTo("ROLLED_BACK");
    Release rolledBack = release(id);
    assertThat(rolledBack.state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(rolledBack.reason()).contains("release-manager").contains("5xx after release");
    assertThat(service().taskDefinition())
        .as("no release before it: the task definition it replaced")
        .isEqualTo(originalTaskDefinition);
  }

  @Test
  void alarmDuringBake_rollsTheServiceBack() throws Exception {
    String id = upload(Map.of());
    toDeploying(id);
    String deploymentId = release(id).deployment().deploymentId();
    invoke(
        new DeploymentHandler(pipeline, log),
        sample(
            "ecs/deployment-completed.json", Map.of("ecs-svc/4827193650284719365", deploymentId)));

    invoke(
        new DeploymentHandler(pipeline, log),
        sample("cloudwatch/alarm-5xx-entered-alarm.json", Map.of()));

    Release rolledBack = release(id);
    assertThat(rolledBack.state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(rolledBack.reason()).startsWith("alarm hello-go-5xx entered ALARM");
    assertThat(service().taskDefinition()).isEqualTo(originalTaskDefinition);
  }

  @Test
  void duplicateDeliveries_registerOneTaskDefinition() throws Exception {
    String id = upload(Map.of());
    toDeploying(id);
    // Every scan event again: the release is past scanning, nothing may happen twice.
    String deploymentId = release(id).deployment().deploymentId();
    for (int i = 0; i < 2; i++) {
      invoke(
          new DeploymentHandler(pipeline, log),
          sample(
              "ecs/deployment-in-progress.json",
              Map.of("ecs-svc/4827193650284719365", deploymentId)));
    }

    assertThat(aws.ecs().listTaskDefinitions(r -> r.familyPrefix("hello-go")).taskDefinitionArns())
        .hasSize(2);
    assertThat(codeBuild.started).hasSize(2);
  }

  @Test
  void deployAgainAfterItsAnswerWasLost_reusesTheRevisionItRegistered() throws Exception {
    String id = upload(Map.of());
    toDeploying(id);
    Release deploying = release(id);
    String registered = deploying.deployment().taskDefinitionArn();
    // As if the first attempt registered the revision and then lost everything after it:
    // the service is still on the original task definition, and the effect runs again.
    aws.ecs()
        .updateService(
            r -> r.cluster(CLUSTER).service("hello-go").taskDefinition(originalTaskDefinition));
    EcsDeployments deployments = new EcsDeployments(aws.ecs(), aws.ecsOnce());
    String image =
        aws.ecs()
            .describeTaskDefinition(r -> r.taskDefinition(registered))
            .taskDefinition()
            .containerDefinitions()
            .get(0)
            .image();

    deployments.deploy(
        deploying,
        new dev.slipway.release.Effect.Deploy(CLUSTER, "hello-go", "hello-go", image),
        dev.slipway.engine.FakeWorld.DECLARATIONS.services().get(0).environments().get(0));

    assertThat(service().taskDefinition()).isEqualTo(registered);
    assertThat(aws.ecs().listTaskDefinitions(r -> r.familyPrefix("hello-go")).taskDefinitionArns())
        .as("the original and the one the release registered: no second revision")
        .hasSize(2);
  }

  @Test
  void aFirstDeployAttempt_readsTheFamilysNewestRevisionOnce_andListsNone() throws Exception {
    String id = upload(Map.of());
    toDeploying(id);
    Release deploying = release(id);
    // The service runs the newest revision of its family (the one this release registered): a
    // deploy of another image is a first attempt, which needs no look for an earlier one's.
    List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    software.amazon.awssdk.core.interceptor.ExecutionInterceptor counting =
        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
          @Override
          public void afterExecution(
              software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            calls.add(
                attributes.getAttribute(
                    software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME));
          }
        };
    try (software.amazon.awssdk.services.ecs.EcsClient ecs =
        software.amazon.awssdk.services.ecs.EcsClient.builder()
            .region(software.amazon.awssdk.regions.Region.of(REGION))
            .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
            .endpointOverride(java.net.URI.create(emulator.endpoint()))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.addExecutionInterceptor(counting))
            .build()) {
      dev.slipway.release.Input.DeployStarted started =
          new EcsDeployments(ecs, ecs)
              .deploy(
                  deploying,
                  new dev.slipway.release.Effect.Deploy(
                      CLUSTER,
                      "hello-go",
                      "hello-go",
                      "registry.example/hello-go@sha256:" + "b".repeat(64)),
                  dev.slipway.engine.FakeWorld.DECLARATIONS
                      .services()
                      .get(0)
                      .environments()
                      .get(0));

      assertThat(calls)
          .containsExactly(
              "DescribeServices",
              "DescribeTaskDefinition",
              "RegisterTaskDefinition",
              "UpdateService");
      assertThat(started.previousTaskDefinitionArn())
          .isEqualTo(deploying.deployment().taskDefinitionArn());
      assertThat(service().taskDefinition()).isEqualTo(started.taskDefinitionArn());
    }
  }

  @Test
  void aCompileEndWithoutTheArtifactsChecksum_pinsTheImageBuildToWhatCodeBuildAnswers()
      throws Exception {
    String id = upload(Map.of());
    String compile = buildId(0);
    compileSucceeded(id, compile, "not-a-checksum");

    assertThat(codeBuild.looked).containsExactly(FakeCodeBuild.id(compile));
    assertThat(imageBuildEnvironment())
        .containsEntry("SLIPWAY_DIST_SHA256", FakeCodeBuild.checksum(FakeCodeBuild.id(compile)));
  }

  /** CodeBuild's event: compile build {@code arn} of release {@code id} succeeded. */
  private void compileSucceeded(String id, String arn, String artifactSha256) throws Exception {
    invoke(
        new BuildStateHandler(pipeline, log),
        sample(
            "codebuild/build-state-compile-succeeded.json",
            Map.of(
                "hello-go-25f25853d6a0",
                id,
                "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-compile:0d1c2b3a-4f5e-4d6c-8b7a-9f8e7d6c5b4a",
                arn,
                SAMPLE_SHA256,
                artifactSha256)));
  }

  /** The environment the image build was started with. */
  private Map<String, String> imageBuildEnvironment() {
    Map<String, String> env = new java.util.HashMap<>();
    codeBuild
        .started
        .get(1)
        .path("environmentVariablesOverride")
        .forEach(v -> env.put(v.path("name").asText(), v.path("value").asText()));
    return env;
  }

  @Test
  void badManifestInTheUpload_failsTheReleaseWithTheReason() throws Exception {
    String id =
        upload(
            Map.of("slipway.json", "{\"service\": \"hello-go\", \"targets\": [\"linux/sparc\"]}"));

    Release failed = release(id);
    assertThat(failed.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(failed.history().get(1).detail())
        .startsWith("slipway.json: targets[0]: 'linux/sparc' is not a supported platform");
    assertThat(codeBuild.started).isEmpty();
  }
}
