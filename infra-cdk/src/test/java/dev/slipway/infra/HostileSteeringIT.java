package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's hostile-steering drill, beside the hostile-input one: one `slipway local` on a
 * template declaring two services (hello-go and billing), and uploads that try to reach past what
 * the declarations allow. Each is refused with its reason, nothing of it is deployed, and a good
 * release still goes LIVE afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileSteeringIT {
  static final Path TEMPLATE =
      LocalReleaseIT.TEMPLATE.resolveSibling("SlipwayPipelineTwoServices.template.json");

  @TempDir Path tmp;
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  LocalRuntime runtime;
  AwsClients aws;

  @BeforeAll
  void start(@TempDir Path state, @TempDir Path advisories) throws Exception {
    // Every Go standard library MEDIUM (a test fixture): every release waits for a person.
    LocalSupport.mediumStdlibAdvisories(advisories);
    runtime =
        LocalRuntime.start(
            LocalRuntime.Options.of(
                    TEMPLATE, state, new PrintStream(logBytes, true, StandardCharsets.UTF_8))
                .advisories(advisories)
                .build());
    aws = LocalSupport.aws(runtime);
  }

  @AfterAll
  void stop() {
    if (aws != null) {
      aws.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  /** hello-go with {@code manifest} as its slipway.json, uploaded under sources/{@code as}/. */
  String upload(String name, String as, String manifest) throws Exception {
    Path dir = LocalSupport.example(tmp.resolve(name), null, null);
    Files.writeString(dir.resolve("slipway.json"), manifest);
    return LocalSupport.upload(
        aws, runtime, "sources/" + as + "/" + name + ".zip", LocalSupport.zip(dir));
  }

  /** The release's reason once it has ended FAILED (or its state, when it did not). */
  String failure(String releaseId) throws Exception {
    String state = LocalSupport.awaitState(runtime, releaseId, "FAILED", 60);
    JsonNode record =
        Json.parse(LocalSupport.slipway(runtime, "status", releaseId, "--json").text(), "$");
    assertThat(state).as(record.toString()).isEqualTo("FAILED");
    assertThat(record.toString()).as("nothing was built").doesNotContain("BUILDING");
    return record.path("reason").asText();
  }

  @Test
  @Order(1)
  void anotherServicesTarget_isRefused() throws Exception {
    assertThat(
            failure(
                upload(
                    "other-target",
                    "hello-go",
                    "{\"service\": \"hello-go\", \"deploy\": {\"cluster\": \"c3\", \"service\":"
                        + " \"billing\"}}")))
        .isEqualTo(
            "slipway.json: deploy: 'c3/billing' is not a declared target of hello-go (declared:"
                + " prod c1/hello-go)");
  }

  @Test
  @Order(2)
  void anUndeclaredCluster_isRefused() throws Exception {
    assertThat(
            failure(
                upload(
                    "undeclared",
                    "hello-go",
                    "{\"service\": \"hello-go\", \"deploy\": {\"cluster\": \"production\"}}")))
        .startsWith("slipway.json: deploy: 'production/hello-go' is not a declared target");
  }

  @Test
  @Order(3)
  void aManifestNamingAnotherService_isRefused() throws Exception {
    assertThat(failure(upload("takeover", "hello-go", "{\"service\": \"billing\"}")))
        .isEqualTo(
            "slipway.json: service: 'billing' is not the service this archive was uploaded for:"
                + " sources/hello-go/ releases hello-go only");
  }

  @Test
  @Order(4)
  void anUndeclaredService_isRefusedUnread() throws Exception {
    assertThat(failure(upload("payments", "payments", "{\"service\": \"payments\"}")))
        .isEqualTo(
            "sources/payments/: service 'payments' is not declared (declared: hello-go, billing)");
  }

  @Test
  @Order(5)
  void aScanGateTurnedOff_orATenYearAllowance_isRefused() throws Exception {
    assertThat(
            failure(
                upload(
                    "no-gate",
                    "hello-go",
                    "{\"service\": \"hello-go\", \"scan\": {\"block\": []}}")))
        // this template's floor blocks CRITICAL and sends HIGH and MEDIUM to a person
        .contains("slipway.json: scan.block: leaves out CRITICAL")
        .contains("slipway.json: scan.approve: leaves out HIGH");
    assertThat(
            failure(
                upload(
                    "ten-years",
                    "hello-go",
                    "{\"service\": \"hello-go\", \"scan\": {\"allow\": [{\"id\": \"GO-2023-2102\","
                        + " \"expires\": \"2036-12-01\", \"reason\": \"forever\"}]}}")))
        .startsWith("slipway.json: scan.allow[0].expires: '2036-12-01' is more than 30 days away");
  }

  HttpResponse<String> startBuild(String endpoint, String releaseId) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(endpoint + "/"))
                .header("X-Amz-Target", "CodeBuild_20161006.StartBuild")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"projectName\": \"slipway-compile\", \"environmentVariablesOverride\":"
                            + " [{\"name\": \"SLIPWAY_RELEASE_ID\", \"value\": \""
                            + releaseId
                            + "\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(6)
  void theBuildStandIn_refusesStrangers_andCraftedReleaseIds() throws Exception {
    String endpoint = runtime.codeBuildEndpoint();
    String withoutToken = endpoint.substring(0, endpoint.lastIndexOf('/'));

    HttpResponse<String> stranger = startBuild(withoutToken, "hello-go-0123456789ab");
    assertThat(stranger.statusCode()).isEqualTo(403);
    assertThat(stranger.body()).contains("AccessDeniedException");

    HttpResponse<String> crafted = startBuild(endpoint, "../../../../tmp/x");
    assertThat(crafted.statusCode()).isEqualTo(400);
    assertThat(crafted.body())
        .contains("InvalidInputException")
        .contains("SLIPWAY_RELEASE_ID '../../../../tmp/x' is not a release id");
  }

  /** `slipway ARGS` signing as the IAM user {@code accessKey} (locally, a key names a user). */
  LocalSupport.Run as(String accessKey, String... args) {
    // The SDK's own channel for a user's key (as AWS_ACCESS_KEY_ID would be), read by the CLI.
    System.setProperty("aws.accessKeyId", accessKey);
    System.setProperty("aws.secretAccessKey", "local");
    try {
      return LocalSupport.slipway(runtime, args);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  @Order(7)
  void theUsersTests_runWithoutCredentials_onlyTheApproversDecide_andTheReleaseGoesLive()
      throws Exception {
    // A test that would act as the compile build's role (read other services' sources, write other
    // releases' outputs) finds no credentials: the release passes its tests and goes LIVE.
    Path dir = LocalSupport.example(tmp.resolve("probe"), null, null);
    Files.writeString(
        dir.resolve("creds_test.go"),
        """
        package main

        import (
        	"os"
        	"strings"
        	"testing"
        )

        func TestNoCredentialsReachTheUsersTests(t *testing.T) {
        	for _, kv := range os.Environ() {
        		name := strings.SplitN(kv, "=", 2)[0]
        		switch name {
        		case "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        			"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL":
        			t.Fatalf("the build's %s reached the user's tests", name)
        		}
        	}
        	if os.Getenv("AWS_SHARED_CREDENTIALS_FILE") != "/dev/null" {
        		t.Fatalf("a credentials file could be read")
        	}
        }
        """);
    Files.writeString(
        dir.resolve("slipway.json"),
        "{\"service\": \"hello-go\", \"test\": true, \"targets\": [\"linux/amd64\","
            + " \"linux/arm64\"], \"deploy\": {\"bakeSeconds\": 5}}");
    String releaseId =
        LocalSupport.upload(aws, runtime, "sources/hello-go/probe.zip", LocalSupport.zip(dir));

    assertThat(LocalSupport.awaitState(runtime, releaseId, "AWAITING_APPROVAL", 240))
        .as(
            LocalSupport.slipway(runtime, "status", releaseId).text()
                + logBytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("AWAITING_APPROVAL");
    assertThat(LocalSupport.slipway(runtime, "status", releaseId).text())
        .as("a release waiting for a person says who may approve it")
        .contains("who may approve: arn:aws:iam::210987654321:user/dana");

    // An approval event on the bus, naming an approver: anyone allowed PutEvents could send it.
    aws.events()
        .putEvents(
            r ->
                r.entries(
                    e ->
                        e.source("slipway")
                            .detailType("Release Approved")
                            .detail(
                                "{\"service\": \"hello-go\", \"releaseId\": \""
                                    + releaseId
                                    + "\", \"approvedBy\": \"arn:aws:iam::210987654321:user/dana\"}")));
    // A signed approval by someone the steering URL's policy does not name.
    LocalSupport.Run mallory = as("mallory", "approve", releaseId, "--reason", "trust me");
    assertThat(mallory.code()).isEqualTo(1);
    assertThat(mallory.err()).contains("refused (403)").contains("Forbidden");
    Thread.sleep(2000);
    assertThat(LocalSupport.awaitState(runtime, releaseId, "AWAITING_APPROVAL", 1))
        .as("neither the event nor mallory decided")
        .isEqualTo("AWAITING_APPROVAL");

    LocalSupport.Run dana = as("dana", "approve", releaseId, "--reason", "fixture advisory");
    assertThat(dana.code()).as(dana.err()).isZero();
    assertThat(dana.text()).contains("(decided by arn:aws:iam::210987654321:user/dana)");

    String state = LocalSupport.awaitState(runtime, releaseId, "LIVE", 120);

    assertThat(LocalSupport.slipway(runtime, "status", releaseId, "--json").text())
        .contains("approved by arn:aws:iam::210987654321:user/dana: fixture advisory");
    assertThat(state)
        .as(
            LocalSupport.slipway(runtime, "status", releaseId).text()
                + logBytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("LIVE");
    assertThat(runtime.servicePort("hello-go")).isPresent();
  }
}
