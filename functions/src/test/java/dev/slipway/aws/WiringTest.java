package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.EventParser;
import dev.slipway.event.ParseResult;
import dev.slipway.event.PipelineEvent;
import dev.slipway.release.DeclarationsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a handler's wiring builds no SDK client; each adapter builds its own when it first
 * calls AWS, so a handler's cold start pays for the clients its own steps call (building all eight
 * took 0.65-0.75 s of every handler's constructor).
 */
class WiringTest {
  static PipelineEvent sample(String path) throws Exception {
    String text =
        Files.readString(Path.of(System.getProperty("slipway.root", ".."), "events", path));
    return ((ParseResult.Parsed) new EventParser().parse(text).get(0)).event();
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9"); // nothing listens: no call may succeed
    env.put("SLIPWAY_SOURCE_BUCKET", "slipway-sources");
    env.put(
        DeclarationsReader.ENVIRONMENT_VARIABLE,
        DeclarationsReader.toJson(dev.slipway.engine.FakeWorld.DECLARATIONS));
    env.put("SLIPWAY_TIMER_QUEUE_URL", "http://127.0.0.1:9/210987654321/deployment");
    return env;
  }

  @Test
  void theWiringBuildsNoClient_andAnEventBuildsOnlyTheOnesItsStepCalls() throws Exception {
    Map<String, String> env = env();
    try (AwsClients aws = new AwsClients(env, AwsClients.EMULATOR_CREDENTIALS)) {
      Pipeline pipeline = Wiring.pipeline(env, Clock.systemUTC(), aws);
      assertThat(aws.built()).isEmpty();

      // a push to a repository that is not a service's: decided without calling AWS
      assertThat(pipeline.handle(sample("ecr/image-action-push-other-repository.json")))
          .isInstanceOf(Pipeline.Handled.Ignored.class);
      assertThat(aws.built()).isEmpty();

      // an ECS deployment's end: the ledger (S3) is asked whose it is, and nothing else is built
      catchThrowable(() -> pipeline.handle(sample("ecs/deployment-completed.json")));
      assertThat(aws.built()).containsExactly("s3");
    }
  }

  @Test
  void snapStartPriming_readsTheLedger_primesEveryClient_andNeverFails() throws Exception {
    Map<String, String> env = env();
    try (AwsClients aws = new AwsClients(env, AwsClients.EMULATOR_CREDENTIALS)) {
      Pipeline pipeline = Wiring.pipeline(env, Clock.systemUTC(), aws);
      // nothing listens at the endpoint: the ledger read fails, the priming does not
      assertThat(pipeline.prime()).as("the clients' calls answered locally").isEqualTo(20);
      assertThat(aws.built())
          .containsExactlyInAnyOrder(
              "s3", "codeBuild", "ecr", "ecs", "ecsOnce", "events", "cloudWatch", "sqs");
    }
  }

  @Test
  void everyClientsPriming_goesThroughTheSdk_andSendsNothing() throws Exception {
    java.util.concurrent.atomic.AtomicInteger received =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          received.incrementAndGet();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    server.start();
    Map<String, String> env = env();
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    try (AwsClients aws = new AwsClients(env, AwsClients.EMULATOR_CREDENTIALS)) {
      assertThat(aws.prime()).as("calls answered without the network").isEqualTo(20);
      assertThat(aws.built())
          .containsExactlyInAnyOrder(
              "s3", "codeBuild", "ecr", "ecs", "ecsOnce", "events", "cloudWatch", "sqs");
      assertThat(received).as("requests that reached the endpoint").hasValue(0);

      // the local answers are what the SDK takes for a success (a malformed one would prime less)
      var here =
          software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration.builder()
              .putHeader(PrimingHttpClient.HEADER, "1")
              .build();
      assertThat(
              aws.codeBuild()
                  .startBuild(r -> r.projectName("p").overrideConfiguration(here))
                  .build()
                  .environment()
                  .environmentVariables())
          .hasSize(1);
      assertThat(
              aws.events()
                  .putEvents(r -> r.entries(e -> e.source("s")).overrideConfiguration(here))
                  .failedEntryCount())
          .isZero();
      // a PUT's body is read as a connection would read it (its signing and checksum run as it
      // is), to its end
      byte[] body = "{\"release\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      java.util.concurrent.atomic.AtomicInteger read =
          new java.util.concurrent.atomic.AtomicInteger();
      assertThat(
              aws.s3()
                  .putObject(
                      r -> r.bucket("b").key("k").overrideConfiguration(here),
                      software.amazon.awssdk.core.sync.RequestBody.fromContentProvider(
                          () ->
                              new java.io.ByteArrayInputStream(body) {
                                @Override
                                public synchronized int read(byte[] b, int off, int len) {
                                  int n = super.read(b, off, len);
                                  read.addAndGet(Math.max(n, 0));
                                  return n;
                                }
                              },
                          body.length,
                          "application/json"))
                  .eTag())
          .isEqualTo("\"slipway-priming\"");
      assertThat(read).as("bytes of the PUT's body read").hasValue(body.length);
      // a found object, as S3 describes one (its date and version parsed)
      var found =
          aws.s3().getObjectAsBytes(r -> r.bucket("b").key("k").overrideConfiguration(here));
      assertThat(found.asUtf8String()).isEqualTo("{}");
      assertThat(found.response().lastModified())
          .isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
      assertThat(found.response().versionId()).isEqualTo("slipway-priming");
      // listings of one entry, whose model a real page loads
      assertThat(
              aws.s3()
                  .listObjectVersions(r -> r.bucket("b").overrideConfiguration(here))
                  .versions())
          .singleElement()
          .satisfies(v -> assertThat(v.lastModified()).isNotNull());
      var listed = aws.s3().listObjectsV2(r -> r.bucket("b").overrideConfiguration(here));
      assertThat(listed.contents())
          .singleElement()
          .satisfies(o -> assertThat(o.size()).isEqualTo(2));
      assertThat(listed.commonPrefixes()).singleElement();
      assertThat(received).hasValue(0);

      // the same client's calls without the mark go out as before
      catchThrowable(() -> aws.sqs().getQueueUrl(r -> r.queueName("slipway-priming")));
      assertThat(received.get()).isPositive();
    } finally {
      server.stop(0);
    }
  }
}
