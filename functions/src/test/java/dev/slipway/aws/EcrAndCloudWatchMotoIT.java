package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.release.Finding;
import dev.slipway.release.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scan findings (basic and enhanced) and CloudWatch alarm states read through the real adapters, on
 * moto.
 */
class EcrAndCloudWatchMotoIT {
  @RegisterExtension static final Emulator emulator = new Emulator("us-east-1");

  /** An image in moto's ECR with a started scan whose result is {@code result} (moto's API). */
  static String scanned(String tag, String result) throws Exception {
    try {
      emulator.aws().ecr().createRepository(r -> r.repositoryName("slipway/hello-go"));
    } catch (software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException e) {
      // made by an earlier test
    }
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
            + "\"digest\":\"sha256:"
            + "c".repeat(64)
            + "\",\"size\":1},\"layers\":[],\"annotations\":{\"t\":\""
            + tag
            + "\"}}";
    // The digest given, as a registry computes it (moto would not tell these manifests apart).
    String digest =
        "sha256:"
            + java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    emulator
        .aws()
        .ecr()
        .putImage(
            r ->
                r.repositoryName("slipway/hello-go")
                    .imageManifest(manifest)
                    .imageDigest(digest)
                    .imageTag(tag));
    if (result == null) {
      return digest;
    }
    emulator
        .aws()
        .ecr()
        .startImageScan(
            r ->
                r.repositoryName("slipway/hello-go")
                    .imageId(i -> i.imageDigest(digest).imageTag(tag)));
    emulator.post(
        "/moto-api/static/ecr/scan-finding-results",
        "{\"region\": \"us-east-1\", \"results\": [{\"repositoryName\": \"slipway/hello-go\","
            + " \"imageId\": {\"imageDigest\": \""
            + digest
            + "\"}, "
            + result
            + "}]}");
    return digest;
  }

  @Test
  void enhancedFindings_areReadFromEcr_byDigest() throws Exception {
    String digest =
        scanned(
            "enhanced",
            """
            "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected"},
            "imageScanFindings": {"enhancedFindings": [
              {"awsAccountId": "123456789012", "findingArn": "arn:aws:inspector2:us-east-1:123456789012:finding/1",
               "severity": "HIGH", "status": "ACTIVE", "type": "PACKAGE_VULNERABILITY",
               "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2023-45288", "source": "NVD",
                 "vulnerablePackages": [{"name": "golang.org/x/net", "version": "v0.21.0"}]}}]}
            """);

    assertThat(new EcrImages(emulator.aws().ecr()).findings("slipway/hello-go", digest))
        .containsExactly(
            new Finding("CVE-2023-45288", Severity.HIGH, "golang.org/x/net", "v0.21.0"));
  }

  @Test
  void anImageBasicScanningCannotRead_isUnscannable_notClean() throws Exception {
    String digest =
        scanned(
            "scratch",
            """
            "imageScanStatus": {"status": "UNSUPPORTED_IMAGE",
              "description": "UnsupportedImageError: The operating system and/or package manager are not supported."}
            """);

    assertThatThrownBy(
            () -> new EcrImages(emulator.aws().ecr()).findings("slipway/hello-go", digest))
        .isInstanceOf(dev.slipway.engine.Images.Unscannable.class)
        .hasMessageContaining("ended UNSUPPORTED_IMAGE")
        .hasMessageContaining("enhanced scanning");
  }

  @Test
  void anImageNotScannedYet_orPending_hasNoAnswer() throws Exception {
    String never = scanned("never", null);
    String pending = scanned("pending", "\"imageScanStatus\": {\"status\": \"PENDING\"}");

    assertThat(new EcrImages(emulator.aws().ecr()).findings("slipway/hello-go", never)).isNull();
    assertThat(new EcrImages(emulator.aws().ecr()).findings("slipway/hello-go", pending)).isNull();
  }

  @Test
  void alarmsInAlarm_areFound() throws Exception {
    for (String name : List.of("hello-go-5xx", "hello-go-unhealthy")) {
      emulator
          .aws()
          .cloudWatch()
          .putMetricAlarm(
              r ->
                  r.alarmName(name)
                      .metricName("HTTPCode_Target_5XX_Count")
                      .namespace("AWS/ApplicationELB")
                      .statistic("Sum")
                      .period(60)
                      .evaluationPeriods(1)
                      .threshold(5.0)
                      .comparisonOperator("GreaterThanThreshold"));
    }
    emulator
        .aws()
        .cloudWatch()
        .setAlarmState(r -> r.alarmName("hello-go-5xx").stateValue("ALARM").stateReason("test"));

    assertThat(
            new CloudWatchAlarms(emulator.aws().cloudWatch())
                .firing(List.of("hello-go-5xx", "hello-go-unhealthy")))
        .containsExactly("hello-go-5xx");
  }
}
