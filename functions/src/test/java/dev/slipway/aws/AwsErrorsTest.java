package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.Refused;
import dev.slipway.engine.ReleaseEngine;
import dev.slipway.engine.Unavailable;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The adapters' one translation of SDK errors into the ports' two answers. */
class AwsErrorsTest {
  static AwsServiceException service(int status, String code, String message) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .build();
  }

  @Test
  void throttlingServerErrorsAndTheNetwork_areUnavailable_withTheServicesReason() {
    for (SdkException e :
        new SdkException[] {
          service(400, "ThrottlingException", "Rate exceeded"),
          service(503, "ServiceUnavailable", "try again"),
          service(429, "TooManyRequestsException", "slow down"),
          SdkClientException.create("Connection refused")
        }) {
      assertThatThrownBy(() -> AwsErrors.fail(e)).isInstanceOf(Unavailable.class);
    }
    assertThatThrownBy(() -> AwsErrors.fail(service(400, "ThrottlingException", "Rate exceeded")))
        .hasMessage("ThrottlingException: Rate exceeded");
  }

  @Test
  void aRequestTheServiceRefuses_isRefused_withItsCodeAndMessage() {
    assertThatThrownBy(
            () ->
                AwsErrors.fail(
                    service(400, "AccessDeniedException", "not authorized to perform: x")))
        .isInstanceOf(Refused.class)
        .hasMessage("AccessDeniedException: not authorized to perform: x");
    assertThatThrownBy(() -> AwsErrors.fail(service(404, "ResourceNotFoundException", "no")))
        .isInstanceOf(Refused.class);
  }

  @Test
  void theLedgerUnreachable_isARetry_notAnSdkExceptionLeakingOut() {
    try (S3Client s3 =
        S3Client.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .forcePathStyle(true)
            .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
            .build()) {
      S3Ledger ledger = new S3Ledger(s3, "ledger", "ledger/");
      assertThatThrownBy(() -> ledger.read("hello-go", "hello-go-0123456789ab"))
          .isInstanceOf(ReleaseEngine.RetryLater.class)
          .hasMessageStartingWith("ledger s3://ledger/ledger/: ");
    }
  }
}
