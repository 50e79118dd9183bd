package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.local.IamRequest.Check;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What AWS authorizes for the requests Slipway's handlers make, read from the wire. */
class IamRequestTest {
  static final String ACCOUNT = "210987654321";
  static final String REGION = "eu-west-1";

  static Map<String, String> signed(String service, String... more) {
    java.util.Map<String, String> headers = new java.util.HashMap<>();
    headers.put(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=LOCALROLEX/20261202/eu-west-1/"
            + service
            + "/aws4_request, SignedHeaders=host, Signature=00");
    for (int i = 0; i < more.length; i += 2) {
      headers.put(more[i], more[i + 1]);
    }
    return headers;
  }

  static List<Check> checks(
      String method, String path, String query, Map<String, String> headers, String body) {
    return IamRequest.of(
            method, path, query, headers, body.getBytes(StandardCharsets.UTF_8), ACCOUNT, REGION)
        .orElseThrow()
        .checks();
  }

  /** The checks of a PutEvents of {@code entries} (JSON objects, comma-separated). */
  static List<Check> putEvents(String entries) {
    return checks(
        "POST",
        "/",
        null,
        signed("events", "x-amz-target", "AWSEvents.PutEvents"),
        "{\"Entries\":[" + entries + "]}");
  }

  @Test
  void accessKey_isTheCredentialScopesFirstPart() {
    assertThat(IamRequest.accessKey(signed("s3"))).contains("LOCALROLEX");
    assertThat(IamRequest.accessKey(Map.of())).isEmpty();
  }

  @Test
  void ecsUpdateService_isAuthorizedOnTheServiceArn_inItsCluster() {
    assertThat(
            checks(
                "POST",
                "/",
                null,
                signed("ecs", "x-amz-target", "AmazonEC2ContainerServiceV20141113.UpdateService"),
                "{\"cluster\":\"prod\",\"service\":\"hello-go\",\"taskDefinition\":\"td:2\"}"))
        .containsExactly(
            new Check(
                "ecs:UpdateService",
                "arn:aws:ecs:eu-west-1:210987654321:service/prod/hello-go",
                Map.of("ecs:cluster", "arn:aws:ecs:eu-west-1:210987654321:cluster/prod")));
  }

  @Test
  void registerTaskDefinition_passesEachRole_toEcsTasks_andTagsOnCreate() {
    List<Check> checks =
        checks(
            "POST",
            "/",
            null,
            signed(
                "ecs", "x-amz-target", "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition"),
            "{\"family\":\"hello\",\"taskRoleArn\":\"arn:aws:iam::210987654321:role/app\","
                + "\"executionRoleArn\":\"arn:aws:iam::210987654321:role/exec\","
                + "\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}");
    assertThat(checks)
        .extracting(Check::action, Check::resource)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ecs:RegisterTaskDefinition", "*"),
            org.assertj.core.groups.Tuple.tuple(
                "iam:PassRole", "arn:aws:iam::210987654321:role/app"),
            org.assertj.core.groups.Tuple.tuple(
                "iam:PassRole", "arn:aws:iam::210987654321:role/exec"),
            org.assertj.core.groups.Tuple.tuple(
                "ecs:TagResource", "arn:aws:ecs:eu-west-1:210987654321:task-definition/hello:*"));
    assertThat(checks.get(1).context())
        .containsEntry("iam:PassedToService", "ecs-tasks.amazonaws.com");
  }

  @Test
  void s3_objectsAndListings_inPathStyle() {
    assertThat(checks("GET", "/b/ledger/a%20b.json", null, signed("s3"), ""))
        .containsExactly(new Check("s3:GetObject", "arn:aws:s3:::b/ledger/a b.json"));
    assertThat(checks("GET", "/b/k", "versionId=3", signed("s3"), ""))
        .containsExactly(new Check("s3:GetObjectVersion", "arn:aws:s3:::b/k"));
    assertThat(checks("PUT", "/b/ledger/x", null, signed("s3"), ""))
        .containsExactly(new Check("s3:PutObject", "arn:aws:s3:::b/ledger/x"));
    assertThat(checks("GET", "/b", "list-type=2&prefix=ledger%2F", signed("s3"), ""))
        .containsExactly(
            new Check("s3:ListBucket", "arn:aws:s3:::b", Map.of("s3:prefix", "ledger/")));
    assertThat(checks("PUT", "/b/to", null, signed("s3", "x-amz-copy-source", "/b/from%2Bx"), ""))
        .containsExactly(
            new Check("s3:PutObject", "arn:aws:s3:::b/to"),
            new Check("s3:GetObject", "arn:aws:s3:::b/from+x"));
  }

  @Test
  void codeBuild_putEvents_cloudWatch_inspector() {
    assertThat(
            checks(
                "POST",
                "/",
                null,
                signed("codebuild", "x-amz-target", "CodeBuild_20161006.BatchGetBuilds"),
                "{\"ids\":[\"slipway-compile:1\",\"arn:aws:codebuild:eu-west-1:210987654321:build/slipway-image:2\"]}"))
        .extracting(Check::resource)
        .containsExactly(
            "arn:aws:codebuild:eu-west-1:210987654321:project/slipway-compile",
            "arn:aws:codebuild:eu-west-1:210987654321:project/slipway-image");
    assertThat(putEvents("{\"Source\":\"slipway\",\"DetailType\":\"Release Live\"}"))
        .containsExactly(
            new Check(
                "events:PutEvents",
                "arn:aws:events:eu-west-1:210987654321:event-bus/default",
                Map.of("events:source", "slipway", "events:detail-type", "Release Live")));
    // The engine's announcements in one PutEvents (issue 19): each entry is judged, as IAM does.
    assertThat(
            putEvents(
                "{\"Source\":\"slipway\",\"DetailType\":\"Image Ready\"},"
                    + "{\"Source\":\"slipway\",\"DetailType\":\"Release Approved\"}"))
        .extracting(c -> c.context().get("events:detail-type"))
        .containsExactly("Image Ready", "Release Approved");
    assertThat(
            checks(
                "POST",
                "/",
                null,
                signed("monitoring", "content-type", "application/x-www-form-urlencoded"),
                "Action=DescribeAlarms&Version=2010-08-01"))
        .containsExactly(new Check("cloudwatch:DescribeAlarms", "*"));
    assertThat(checks("POST", "/findings/list", null, signed("inspector2"), "{}"))
        .containsExactly(new Check("inspector2:ListFindings", "*"));
  }

  @Test
  void anOperationNotWrittenDown_isNotUnderstood() {
    assertThat(
            IamRequest.of(
                "POST",
                "/",
                null,
                signed("ecs", "x-amz-target", "AmazonEC2ContainerServiceV20141113.DeleteService"),
                "{}".getBytes(StandardCharsets.UTF_8),
                ACCOUNT,
                REGION))
        .isEmpty();
    assertThat(IamRequest.of("POST", "/b", "delete", signed("s3"), new byte[0], ACCOUNT, REGION))
        .isEmpty();
  }
}
