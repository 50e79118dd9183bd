package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventInspectCommandTest {
  private static final Path EVENTS = Cli.root().resolve("events");

  @TempDir Path tmp;

  private static void assertNoStackTrace(Cli cli) {
    assertThat(cli.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void inspect_aFile_printsOneJsonLinePerEvent() {
    Cli cli = Cli.run("event", "inspect", EVENTS.resolve("sqs/batch-two-events.json").toString());

    assertThat(cli.code()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.outLines()).hasSize(2);
    JsonNode first = Json.parse(cli.outLines().get(0), "$");
    assertThat(first.get("kind").asText()).isEqualTo("s3.object-created");
    assertThat(first.get("key").asText()).isEqualTo("sources/hello-go/2026-11-27T10-00-00Z.tar.gz");
    assertThat(Json.parse(cli.outLines().get(1), "$").get("kind").asText())
        .isEqualTo("ecr.image-action");
  }

  @Test
  void inspect_stdin_readsFromDash() throws IOException {
    byte[] event = Files.readAllBytes(EVENTS.resolve("ecs/deployment-failed.json"));

    Cli cli = Cli.runWithStdin(event, "event", "inspect", "-");

    assertThat(cli.code()).isZero();
    assertThat(cli.outLines())
        .containsExactly(
            "{\"kind\":\"ecs.deployment-state\",\"name\":\"SERVICE_DEPLOYMENT_FAILED\","
                + "\"deploymentId\":\"ecs-svc/4827193650284719365\","
                + "\"serviceArn\":\"arn:aws:ecs:eu-west-1:210987654321:service/slipway-demo/hello-go\","
                + "\"reason\":\"ECS deployment circuit breaker: tasks failed to start.\"}");
  }

  @Test
  void inspect_anEventNotForUs_printsIgnoredAndExitsZero() {
    Cli cli = Cli.run("event", "inspect", EVENTS.resolve("other/scheduled-event.json").toString());

    assertThat(cli.code()).isZero();
    assertThat(cli.outLines())
        .containsExactly(
            "{\"kind\":\"ignored\",\"source\":\"aws.events\",\"detailType\":\"Scheduled Event\"}");
  }

  @Test
  void inspect_aMissingRequiredField_exits2WithOneLineNamingThePath() {
    Path file = EVENTS.resolve("malformed/s3-missing-bucket-name.json");

    Cli cli = Cli.run("event", "inspect", file.toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines())
        .containsExactly(
            "slipway event inspect: " + file + ": $.detail.bucket.name: required field is missing");
    assertNoStackTrace(cli);
  }

  @Test
  void inspect_whenOneOfSeveralEventsIsBad_printsNothingOnStdout() throws IOException {
    String good = Files.readString(EVENTS.resolve("ecs/deployment-failed.json"));
    String bad = Files.readString(EVENTS.resolve("malformed/time-not-iso.json"));

    Cli cli =
        Cli.runWithStdin((good + bad).getBytes(StandardCharsets.UTF_8), "event", "inspect", "-");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines())
        .containsExactly(
            "slipway event inspect: document 2 $.time: expected an ISO-8601 time, got 'yesterday'");
  }

  @Test
  void inspect_notJson_exits2() {
    Cli cli = Cli.runWithStdin("hello".getBytes(StandardCharsets.UTF_8), "event", "inspect", "-");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("slipway event inspect: $: not JSON: ");
    assertNoStackTrace(cli);
  }

  @Test
  void inspect_jsonThatIsNotAnEvent_exits2() {
    Cli cli =
        Cli.runWithStdin(
            "{\"hello\": 1}".getBytes(StandardCharsets.UTF_8), "event", "inspect", "-");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .containsExactly(
            "slipway event inspect: $: not an event: expected an EventBridge event (source, detail-type,"
                + " detail), an S3 notification (Records) or an SQS message (messageId, body)");
  }

  @Test
  void inspect_emptyInput_exits2() {
    Cli cli = Cli.runWithStdin(new byte[0], "event", "inspect", "-");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .containsExactly("slipway event inspect: $: not JSON: the input is empty");
  }

  @Test
  void inspect_anEventOver256KiB_exits2() throws IOException {
    String big =
        "{\"source\": \"aws.ecs\", \"detail-type\": \"ECS Service Action\", \"detail\": {\"eventName\": \"X\", \"pad\": \""
            + "x".repeat(300_000)
            + "\"}}";
    Path file = tmp.resolve("big.json");
    Files.writeString(file, big);

    Cli cli = Cli.run("event", "inspect", file.toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .contains("$: event is 300")
        .endsWith("the limit is 262144 (256 KiB, the EventBridge maximum)");
  }

  @Test
  void inspect_notUtf8_exits2() {
    Cli cli = Cli.runWithStdin(new byte[] {'{', (byte) 0xc3, '}'}, "event", "inspect", "-");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .containsExactly("slipway event inspect: $: not JSON: the input is not UTF-8 text");
  }

  @Test
  void inspect_aMissingFile_exits2() {
    Cli cli = Cli.run("event", "inspect", tmp.resolve("nope.json").toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .containsExactly("slipway event inspect: " + tmp.resolve("nope.json") + ": no such file");
  }

  @Test
  void inspect_withoutAFile_isAUsageError() {
    Cli cli = Cli.run("event", "inspect");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.err()).contains("Missing required parameter");
    assertNoStackTrace(cli);
  }

  @Test
  void unknownCommand_isAUsageError() {
    Cli cli = Cli.run("launch");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.err()).contains("Unmatched argument");
  }
}
