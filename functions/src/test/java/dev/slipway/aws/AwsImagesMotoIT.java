package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Finding;
import dev.slipway.release.Severity;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inspector2 findings and CloudWatch alarm states read through the real adapters, on moto. */
class AwsImagesMotoIT {
  static MotoServer moto;
  static AwsClients aws;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    aws = moto.clients("us-east-1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (aws != null) {
      aws.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void inspectorFindings_areReadByDigest() throws Exception {
    moto.post(
        "/moto-api/static/inspector2/findings-results",
        """
        {"results": [[
          {"awsAccountId": "123456789012", "findingArn": "arn:aws:inspector2:us-east-1:123456789012:finding/1",
           "severity": "HIGH", "status": "ACTIVE", "type": "PACKAGE_VULNERABILITY", "description": "d",
           "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2023-45288", "source": "NVD",
             "vulnerablePackages": [{"name": "golang.org/x/net", "version": "v0.21.0", "fixedInVersion": "0.23.0"}]}},
          {"awsAccountId": "123456789012", "findingArn": "arn:aws:inspector2:us-east-1:123456789012:finding/2",
           "severity": "LOW", "status": "ACTIVE", "type": "NETWORK_REACHABILITY", "description": "open port"}
        ]]}
        """);

    List<Finding> findings =
        new AwsImages(aws, true).findings("slipway/hello-go", "sha256:" + "a".repeat(64));

    assertThat(findings)
        .containsExactly(
            new Finding("CVE-2023-45288", Severity.HIGH, "golang.org/x/net", "v0.21.0"),
            new Finding(
                "arn:aws:inspector2:us-east-1:123456789012:finding/2", Severity.LOW, null, null));
  }

  @Test
  void alarmsInAlarm_areFound() throws Exception {
    for (String name : List.of("hello-go-5xx", "hello-go-unhealthy")) {
      aws.cloudWatch.putMetricAlarm(
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
    aws.cloudWatch.setAlarmState(
        r -> r.alarmName("hello-go-5xx").stateValue("ALARM").stateReason("test"));

    assertThat(
            new AwsImages(aws, false).alarmsFiring(List.of("hello-go-5xx", "hello-go-unhealthy")))
        .containsExactly("hello-go-5xx");
  }
}
