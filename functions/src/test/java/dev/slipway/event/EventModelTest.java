package dev.slipway.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed values behind the view: what later code relies on beyond the printed fields. */
class EventModelTest {
  private final EventParser parser = new EventParser();

  private PipelineEvent only(String json) {
    List<ParseResult> results = parser.parse(json);
    assertThat(results).singleElement().isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) results.get(0)).event();
  }

  private static String envelope(String source, String detailType, String detail) {
    return """
        {"version": "0", "id": "e-1", "detail-type": "%s", "source": "%s", "account": "1",
         "time": "2026-11-27T10:00:00Z", "region": "eu-west-1",
         "resources": ["arn:aws:ecs:eu-west-1:1:service/c/s"], "detail": %s}
        """
        .formatted(detailType, source, detail);
  }

  @Test
  void meta_carriesTheEnvelope() {
    PipelineEvent event =
        only(
            envelope("aws.ecs", "ECS Service Action", "{\"eventName\": \"SERVICE_STEADY_STATE\"}"));

    assertThat(event.meta().id()).isEqualTo("e-1");
    assertThat(event.meta().time()).isEqualTo(java.time.Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(event.meta().region()).isEqualTo("eu-west-1");
    assertThat(event.meta().resources()).containsExactly("arn:aws:ecs:eu-west-1:1:service/c/s");
  }

  @Test
  void severityCounts_missingSeverityCountsAsZero_andTotalIsNotASeverity() {
    ImageScan scan =
        (ImageScan)
            only(
                envelope(
                    "aws.inspector2",
                    "Inspector2 Scan",
                    """
                    {"scan-status": "INITIAL_SCAN_COMPLETE",
                     "repository-name": "arn:aws:ecr:eu-west-1:1:repository/team/app",
                     "finding-severity-counts": {"CRITICAL": 1.0, "TOTAL": 1},
                     "image-digest": "sha256:aa"}
                    """));

    assertThat(scan.repository()).isEqualTo("team/app");
    assertThat(scan.severityCounts().count("critical")).isEqualTo(1);
    assertThat(scan.severityCounts().count("HIGH")).isZero();
    assertThat(scan.severityCounts().counts()).doesNotContainKey("TOTAL");
    assertThat(scan.tags()).isEmpty();
  }

  @Test
  void repositoryArn_thatIsNotAnEcrRepository_isMalformed() {
    List<ParseResult> results =
        parser.parse(
            envelope(
                "aws.ecr",
                "ECR Image Action",
                "{\"action-type\": \"PUSH\", \"result\": \"SUCCESS\", \"repository-name\": \"arn:aws:s3:::bucket\"}"));

    assertThat(results)
        .singleElement()
        .isEqualTo(
            new ParseResult.Malformed(
                "$.detail[\"repository-name\"]",
                "expected a repository name or ECR repository ARN, got 'arn:aws:s3:::bucket'"));
  }

  @Test
  void ecrPush_isSuccessfulOnlyForPushAndSuccess() {
    EcrImageAction push =
        (EcrImageAction)
            only(
                envelope(
                    "aws.ecr",
                    "ECR Image Action",
                    "{\"action-type\": \"PUSH\", \"result\": \"SUCCESS\", \"repository-name\": \"r\", \"image-digest\": \"sha256:1\", \"image-tag\": \"\"}"));
    EcrImageAction failed =
        (EcrImageAction)
            only(
                envelope(
                    "aws.ecr",
                    "ECR Image Action",
                    "{\"action-type\": \"PUSH\", \"result\": \"FAILURE\", \"repository-name\": \"r\"}"));

    assertThat(push.isSuccessfulPush()).isTrue();
    assertThat(push.tag()).isNull();
    assertThat(failed.isSuccessfulPush()).isFalse();
    assertThat(failed.digest()).isNull();
  }

  @Test
  void alarm_enteredAlarmOnlyOnTheTransitionIntoAlarm() {
    String into =
        "{\"alarmName\": \"a\", \"state\": {\"value\": \"ALARM\"}, \"previousState\": {\"value\": \"OK\"}}";
    String still =
        "{\"alarmName\": \"a\", \"state\": {\"value\": \"ALARM\"}, \"previousState\": {\"value\": \"ALARM\"}}";
    String out =
        "{\"alarmName\": \"a\", \"state\": {\"value\": \"OK\"}, \"previousState\": {\"value\": \"ALARM\"}}";
    String cw = "aws.cloudwatch";
    String dt = "CloudWatch Alarm State Change";

    assertThat(((AlarmStateChange) only(envelope(cw, dt, into))).enteredAlarm()).isTrue();
    assertThat(((AlarmStateChange) only(envelope(cw, dt, still))).enteredAlarm()).isFalse();
    assertThat(((AlarmStateChange) only(envelope(cw, dt, out))).enteredAlarm()).isFalse();
  }

  @Test
  void slipwayEvent_isImmutableEvenThroughItsDetail() {
    SlipwayEvent event =
        (SlipwayEvent)
            only(
                envelope(
                    "slipway",
                    "Release Approved",
                    "{\"service\": \"s\", \"releaseId\": \"r\", \"imageDigest\": \"sha256:1\", \"by\": \"dana\"}"));

    event.detail().put("by", "mallory");

    assertThat(event.detailField("by").asText()).isEqualTo("dana");
    assertThat(event.imageDigest()).isEqualTo("sha256:1");
    assertThat(event.kind()).isEqualTo("slipway.release-approved");
  }

  @Test
  void slipwayEvent_ofAnUnknownDetailType_isIgnored() {
    assertThat(parser.parse(envelope("slipway", "Release Exploded", "{}")))
        .containsExactly(new ParseResult.Ignored("slipway", "Release Exploded"));
  }

  @Test
  void sqsBatch_malformedMessageFailsAloneAndTheRestParse() {
    String good = envelope("aws.ecs", "ECS Service Action", "{\"eventName\": \"X\"}");
    String batch =
        "{\"Records\": [{\"messageId\": \"1\", \"eventSource\": \"aws:sqs\", \"body\": \"not json\"},"
            + " {\"messageId\": \"2\", \"eventSource\": \"aws:sqs\", \"body\": "
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(good)
            + "}]}";

    List<ParseResult> results = parser.parse(batch);

    assertThat(results).hasSize(2);
    assertThat(results.get(0)).isInstanceOf(ParseResult.Malformed.class);
    assertThat(((ParseResult.Malformed) results.get(0)).path()).isEqualTo("$.Records[0].body");
    assertThat(results.get(1)).isInstanceOf(ParseResult.Parsed.class);
  }

  @Test
  void oversizedEvent_isRefusedBeforeParsing() {
    String big =
        envelope(
            "aws.ecs", "ECS Service Action", "{\"eventName\": \"" + "x".repeat(262_144) + "\"}");

    assertThat(parser.parse(big))
        .singleElement()
        .isInstanceOfSatisfying(
            ParseResult.Malformed.class,
            m ->
                assertThat(m.problem())
                    .endsWith("the limit is 262144 (256 KiB, the EventBridge maximum)"));
  }

  @Test
  void deeplyNestedSqsWrapping_isRefused() {
    String inner = envelope("aws.ecs", "ECS Service Action", "{\"eventName\": \"X\"}");
    String wrapped = inner;
    for (int i = 0; i < 5; i++) {
      wrapped =
          "{\"messageId\": \"m\", \"body\": "
              + com.fasterxml.jackson.databind.node.TextNode.valueOf(wrapped)
              + "}";
    }

    assertThat(parser.parse(wrapped))
        .singleElement()
        .isInstanceOfSatisfying(
            ParseResult.Malformed.class,
            m -> assertThat(m.problem()).contains("nested more than 3"));
  }

  @Test
  void stream_ofSeveralDocuments_givesOneResultEach_andNamesTheBadDocument() {
    String one = envelope("aws.ecs", "ECS Service Action", "{\"eventName\": \"X\"}").strip();
    String two = envelope("aws.ecs", "ECS Service Action", "{}").strip();

    assertThat(parser.parseStream(one + "\n" + one))
        .hasSize(2)
        .allMatch(r -> r instanceof ParseResult.Parsed);
    assertThat(parser.parseStream(one + "\n" + two))
        .last()
        .isEqualTo(
            new ParseResult.Malformed(
                "document 2 $.detail.eventName", "required field is missing"));
  }

  @Test
  void stream_whenEmpty_isMalformed() {
    assertThat(parser.parseStream("  \n"))
        .containsExactly(new ParseResult.Malformed("$", "not JSON: the input is empty"));
  }
}
