package dev.slipway.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** SDK exceptions translated once, here: retry later, or refused for good with a clear reason. */
final class AwsErrors {
  private AwsErrors() {}

  /** Throttling, 5xx and network trouble pass; everything else is the caller's problem. */
  static boolean isTransient(SdkException e) {
    if (e instanceof SdkClientException) {
      return true;
    }
    if (e instanceof AwsServiceException service) {
      return service.isThrottlingException()
          || service.statusCode() >= 500
          || service.statusCode() == 429;
    }
    return e.retryable();
  }

  /** The service's own code and message, without the request id noise. */
  static String reason(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode()
          + ": "
          + service.awsErrorDetails().errorMessage();
    }
    return e.getMessage();
  }
}
