package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.aws.AwsClients;
import dev.slipway.aws.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

class JournalTest {
  @TempDir Path tmp;

  private static boolean changes(String method, String path, Map<String, String> headers) {
    return changes(method, path, headers, "");
  }

  private static boolean changes(
      String method, String path, Map<String, String> headers, String body) {
    return Journal.changesState(method, path, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesAreKept_readsQueuesAndMotoControlAreNot() {
    // S3 (REST): reads by method
    assertThat(changes("PUT", "/bucket/ledger/a.json", Map.of())).isTrue();
    assertThat(changes("DELETE", "/bucket/key", Map.of())).isTrue();
    assertThat(changes("POST", "/bucket?delete", Map.of())).isTrue();
    assertThat(changes("GET", "/bucket/key", Map.of())).isFalse();
    assertThat(changes("HEAD", "/bucket/key", Map.of())).isFalse();
    // JSON protocols: by operation name
    Map<String, String> ecs =
        Map.of("x-amz-target", "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition");
    assertThat(changes("POST", "/", ecs)).isTrue();
    assertThat(
            changes(
                "POST",
                "/",
                Map.of("x-amz-target", "AmazonEC2ContainerServiceV20141113.DescribeServices")))
        .isFalse();
    assertThat(changes("POST", "/", Map.of("x-amz-target", "AWSEvents.PutEvents"))).isTrue();
    assertThat(
            changes(
                "POST",
                "/",
                Map.of("x-amz-target", "AmazonEC2ContainerRegistry_V20150921.BatchGetImage")))
        .isFalse();
    // SQS is never kept, not even its writes (receipt handles do not survive a replay)
    assertThat(changes("POST", "/", Map.of("x-amz-target", "AmazonSQS.DeleteMessage"))).isFalse();
    assertThat(changes("POST", "/", Map.of("x-amz-target", "AmazonSQS.ReceiveMessage"))).isFalse();
    // query protocol (CloudWatch) and rpc-v2
    Map<String, String> form = Map.of("content-type", "application/x-www-form-urlencoded");
    assertThat(changes("POST", "/", form, "Action=PutMetricAlarm&AlarmName=a")).isTrue();
    assertThat(changes("POST", "/", form, "Action=DescribeAlarms")).isFalse();
    assertThat(
            changes(
                "POST", "/service/GraniteServiceVersion20100801/operation/SetAlarmState", Map.of()))
        .isTrue();
    // Inspector2 (REST-JSON): ListFindings is a POST that reads
    assertThat(changes("POST", "/findings/list", Map.of())).isFalse();
    // moto's control API: only its static results are state
    assertThat(changes("POST", "/moto-api/static/ecr/scan-finding-results", Map.of())).isTrue();
    assertThat(changes("POST", "/moto-api/seed?a=1", Map.of())).isFalse();
    assertThat(changes("POST", "/moto-api/reset", Map.of())).isFalse();
  }

  @Test
  void aBuildArtifactSizedBody_isRecovered_withTheLinesAfterIt() throws Exception {
    // A compile build's artifact (tens of MB, base64 in the line) once read as a torn line.
    Path file = tmp.resolve("journal.jsonl");
    byte[] big = new byte[24 * 1024 * 1024];
    new java.util.Random(1).nextBytes(big);
    try (Journal journal = new Journal(file)) {
      journal.append(new Journal.Entry("PUT", "/b/builds/r/dist.zip", Map.of(), big));
      journal.append(new Journal.Entry("PUT", "/b/ledger/after", Map.of(), new byte[] {7}));
    }

    List<Journal.Entry> entries = Journal.recover(file);

    assertThat(entries)
        .extracting(Journal.Entry::pathAndQuery)
        .containsExactly("/b/builds/r/dist.zip", "/b/ledger/after");
    assertThat(entries.get(0).body()).isEqualTo(big);
  }

  @Test
  void aTornLastLine_isDroppedAndCutOff_wholeLinesKept_secretsNotWritten() throws Exception {
    Path file = tmp.resolve("journal.jsonl");
    try (Journal journal = new Journal(file)) {
      journal.append(
          new Journal.Entry(
              "PUT",
              "/b/k",
              Map.of(
                  "authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/eu-west-1/s3/aws4_request,"
                      + " SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef",
                  "x-amz-security-token",
                  "SESSION-SECRET"),
              "one".getBytes(StandardCharsets.UTF_8)));
      journal.append(new Journal.Entry("PUT", "/b/k2", Map.of(), new byte[] {0, 1, 2}));
    }
    String text = Files.readString(file);
    assertThat(text)
        .doesNotContain("SESSION-SECRET")
        .doesNotContain("0123456789abcdef0123456789abcdef")
        .contains("Credential=AKIDEXAMPLE/20261128/eu-west-1/s3/aws4_request");
    Files.writeString(file, text + "{\"method\":\"PUT\",\"path\":\"/b/torn\",\"hea");

    List<Journal.Entry> entries = Journal.recover(file);

    assertThat(entries).extracting(Journal.Entry::pathAndQuery).containsExactly("/b/k", "/b/k2");
    assertThat(entries.get(1).body()).containsExactly(0, 1, 2);
    assertThat(Files.readString(file)).isEqualTo(text);
  }

  @Test
  void replayIntoAFreshEmulator_bringsBackObjectsAndTaskDefinitions_notRefusedWrites()
      throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Path file = tmp.resolve("journal.jsonl");
    try (MotoServer first = MotoServer.start();
        Journal journal = new Journal(file);
        JournalingProxy proxy =
            new JournalingProxy(first.endpoint, journal, quiet, new Rollouts(tmp))) {
      proxy.startJournaling();
      try (AwsClients aws = clients(proxy.endpoint())) {
        aws.s3()
            .createBucket(
                r ->
                    r.bucket("journal-test")
                        .createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));
        aws.s3()
            .putObject(
                r -> r.bucket("journal-test").key("ledger/r.json"), RequestBody.fromString("v1"));
        String etag =
            aws.s3().headObject(r -> r.bucket("journal-test").key("ledger/r.json")).eTag();
        aws.s3()
            .putObject(
                r -> r.bucket("journal-test").key("ledger/r.json").ifMatch(etag),
                RequestBody.fromString("v2"));
        // a conditional write that loses: refused by moto, so not journaled
        assertThatThrownBy(
                () ->
                    aws.s3()
                        .putObject(
                            r -> r.bucket("journal-test").key("ledger/r.json").ifMatch(etag),
                            RequestBody.fromString("stale")))
            .isInstanceOf(S3Exception.class);
        aws.ecs()
            .registerTaskDefinition(
                r ->
                    r.family("svc")
                        .containerDefinitions(
                            c -> c.name("svc").memory(128).image("repo@sha256:" + "1".repeat(64))));
        aws.s3()
            .getObjectAsBytes(
                r -> r.bucket("journal-test").key("ledger/r.json")); // a read: not kept
      }
    }
    List<Journal.Entry> entries = Journal.recover(file);
    assertThat(entries).hasSize(4);

    try (MotoServer second = MotoServer.start();
        Journal journal = new Journal(tmp.resolve("unused.jsonl"));
        JournalingProxy proxy =
            new JournalingProxy(second.endpoint, journal, quiet, new Rollouts(tmp))) {
      assertThat(proxy.replay(entries)).isZero();
      try (AwsClients aws = clients(second.endpoint)) {
        assertThat(
                aws.s3()
                    .getObjectAsBytes(r -> r.bucket("journal-test").key("ledger/r.json"))
                    .asUtf8String())
            .isEqualTo("v2");
        assertThat(aws.ecs().listTaskDefinitions(r -> r.familyPrefix("svc")).taskDefinitionArns())
            .containsExactly("arn:aws:ecs:eu-west-1:123456789012:task-definition/svc:1");
      }
    }
  }

  private static AwsClients clients(String endpoint) {
    return new AwsClients(
        Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", endpoint),
        AwsClients.EMULATOR_CREDENTIALS);
  }
}
