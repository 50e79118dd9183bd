package dev.slipway.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.FakeWorld;
import dev.slipway.engine.Fixtures;
import dev.slipway.engine.InMemoryLedger;
import dev.slipway.engine.MutableClock;
import dev.slipway.engine.Pipeline;
import dev.slipway.event.EventParser;
import dev.slipway.event.ParseResult;
import dev.slipway.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class HandlerTest {
  static final Path EVENTS = Path.of(System.getProperty("slipway.root", ".."), "events");

  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();
  final Pipeline pipeline =
      new Pipeline(
          Fixtures.config(),
          world.ports(ledger),
          new MutableClock(Instant.parse("2026-11-27T10:00:00Z")));
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

  List<SlipwayHandler> handlers() {
    return List.of(
        new SourceUploadedHandler(pipeline, log),
        new BuildStateHandler(pipeline, log),
        new ImagePushedHandler(pipeline, log),
        new ScanHandler(pipeline, log),
        new DeploymentHandler(pipeline, log));
  }

  static String invoke(SlipwayHandler handler, String payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  static String kindOf(Path file) throws IOException {
    List<ParseResult> results = new EventParser().parse(Files.readString(file));
    return results.get(0) instanceof ParseResult.Parsed p ? p.event().kind() : "other";
  }

  @TestFactory
  Stream<DynamicTest> everyHandler_ignoresEverySampleOfAKindItDoesNotOwn() throws IOException {
    List<Path> samples;
    try (Stream<Path> files = Files.walk(EVENTS)) {
      samples =
          files
              .filter(
                  p ->
                      p.toString().endsWith(".json")
                          && !p.toString().contains("/malformed/")
                          && !p.toString().contains("/sqs/"))
              .sorted()
              .toList();
    }
    return handlers().stream()
        .flatMap(
            handler ->
                samples.stream()
                    .map(
                        sample ->
                            DynamicTest.dynamicTest(
                                handler.getClass().getSimpleName()
                                    + " "
                                    + EVENTS.relativize(sample),
                                () -> {
                                  String kind = kindOf(sample);
                                  if (((SlipwayHandler) handler)
                                      .step().kinds().stream()
                                          .anyMatch(k -> k.kind().equals(kind))) {
                                    return;
                                  }
                                  world.ran.clear();
                                  logBytes.reset();
                                  assertThat(invoke(handler, Files.readString(sample)))
                                      .isEqualTo("{}");
                                  assertThat(ledger.services()).as("nothing recorded").isEmpty();
                                  assertThat(world.ran).as("nothing done").isEmpty();
                                  assertThat(logBytes.toString(StandardCharsets.UTF_8))
                                      .contains("ignored");
                                })));
  }

  @Test
  void steering_takesOnlyIamAuthenticatedCallers_andRecordsWhomAwsAuthenticated()
      throws IOException {
    ApprovalHandler steering = new ApprovalHandler(pipeline, log);

    JsonNode anonymous =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/approve", "{\"releaseId\": \"hello-go-0123456789ab\"}", null)),
            "$");
    assertThat(anonymous.path("statusCode").asInt()).isEqualTo(403);

    JsonNode unknown =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/approve",
                    "{\"releaseId\": \"hello-go-0123456789ab\", \"approvedBy\": \"ceo\"}",
                    "arn:aws:iam::210987654321:user/dana")),
            "$");
    assertThat(unknown.path("statusCode").asInt()).isEqualTo(404);
    assertThat(unknown.path("body").asText()).contains("no release hello-go-0123456789ab");

    JsonNode crafted =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/approve", "{\"releaseId\": \"../x\"}", "arn:aws:iam::1:user/d")),
            "$");
    assertThat(crafted.path("statusCode").asInt()).isEqualTo(400);
    JsonNode rejectWithoutReason =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/reject",
                    "{\"releaseId\": \"hello-go-0123456789ab\"}",
                    "arn:aws:iam::1:user/d")),
            "$");
    assertThat(rejectWithoutReason.path("body").asText()).contains("a rejection says why");
    assertThat(ledger.services()).as("nothing recorded").isEmpty();
    assertThat(world.ran).as("nothing done").isEmpty();
  }

  @Test
  void promote_checksItsFields_andAnswersARefusalWith409AndTheReason() throws IOException {
    ApprovalHandler steering = new ApprovalHandler(pipeline, log);
    String dana = "arn:aws:iam::210987654321:user/dana";
    JsonNode badEnvironment =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/promote",
                    "{\"releaseId\": \"hello-go-0123456789ab\", \"to\": \"Prod!\"}",
                    dana)),
            "$");
    assertThat(badEnvironment.path("statusCode").asInt()).isEqualTo(400);
    assertThat(badEnvironment.path("body").asText())
        .contains("to 'Prod!' is not an environment name");
    JsonNode noTarget =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/promote", "{\"releaseId\": \"hello-go-0123456789ab\"}", dana)),
            "$");
    assertThat(noTarget.path("statusCode").asInt()).isEqualTo(400);
    assertThat(noTarget.path("body").asText()).contains("to: required field is missing");

    invoke(
        new SourceUploadedHandler(pipeline, log),
        Files.readString(EVENTS.resolve("s3/object-created-source-upload.json")));
    JsonNode refused =
        Json.parse(
            invoke(
                steering,
                Fixtures.urlRequest(
                    "/promote",
                    "{\"releaseId\": \"" + FakeWorld.SAMPLE_RELEASE + "\", \"to\": \"production\"}",
                    dana)),
            "$");
    assertThat(refused.path("statusCode").asInt()).isEqualTo(409);
    assertThat(refused.path("body").asText()).contains("has no image to promote (BUILDING)");
    assertThat(world.ran).noneMatch(r -> r.contains(" Deploy "));
  }

  @Test
  void sqsBatch_withOneMalformedMessage_failsOnlyThatOne() throws IOException {
    SlipwayHandler handler = new SourceUploadedHandler(pipeline, log);
    String good = Files.readString(EVENTS.resolve("s3/object-created-source-upload.json"));
    String batch = Fixtures.sqsBatch("{ not json", good, "{\"source\": \"aws.s3\"}");

    JsonNode response = Json.parse(invoke(handler, batch), "$");

    assertThat(response.get("batchItemFailures").findValuesAsText("itemIdentifier"))
        .containsExactly("m-1", "m-3");
    assertThat(ledger.read("hello-go", FakeWorld.SAMPLE_RELEASE))
        .as("the good message went on")
        .isPresent();
    String logged = logBytes.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("\"messageId\":\"m-1\"").contains("malformed event: $: not JSON");
    assertThat(logged)
        .contains("\"messageId\":\"m-3\"")
        .contains("$[\\\"detail-type\\\"]: required field is missing");
  }

  @Test
  void directInvocation_withAMalformedEvent_failsWithTheReasonLogged() {
    SlipwayHandler handler = new BuildStateHandler(pipeline, log);

    assertThatThrownBy(
            () ->
                invoke(
                    handler,
                    "{\"source\": \"aws.codebuild\", \"detail-type\": \"CodeBuild Build State Change\", \"detail\": {}}"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(logBytes.toString(StandardCharsets.UTF_8))
        .contains("$.detail[\\\"project-name\\\"]: required field is missing");
  }

  @Test
  void sourceHandler_startsTheRelease() throws IOException {
    invoke(
        new SourceUploadedHandler(pipeline, log),
        Files.readString(EVENTS.resolve("s3/object-created-source-upload.json")));

    assertThat(world.ran).contains(FakeWorld.SAMPLE_RELEASE + " StartBuild COMPILE");
    assertThat(logBytes.toString(StandardCharsets.UTF_8))
        .contains("s3.object-created -> hello-go-25f25853d6a0 BUILDING");
  }

  @Test
  void reconciler_runsOnAnyPayload() throws IOException {
    String out =
        invoke(
            new ReconcilerHandler(pipeline, log),
            Files.readString(EVENTS.resolve("other/scheduled-event.json")));

    // Through its queue the tick is one SQS message: none of it failed (ReportBatchItemFailures).
    assertThat(out).isEqualTo("{\"batchItemFailures\":[],\"moved\":0}");
  }

  @Test
  void snapStartsCheckpointHook_primesEveryPart_andSaysSo() {
    for (SlipwayHandler handler : handlers()) {
      logBytes.reset();
      handler.beforeCheckpoint(null);
      String line = logBytes.toString(StandardCharsets.UTF_8);
      // the records' round trip and the ledger read went through (the test pipeline has no SDK
      // clients to prime: those are WiringTest's)
      assertThat(line).as(handler.getClass().getSimpleName()).contains("primed: 0 client calls");
      assertThat(line).doesNotContain("priming stopped");
    }
  }

  @Test
  void primingsUploadCheck_takesTheWholePath_aValidUpload() throws Exception {
    var checked = Priming.sourceCheck();
    assertThat(checked.invalidReason()).isNull();
    assertThat(checked.service()).isEqualTo(Priming.SERVICE);
  }
}
