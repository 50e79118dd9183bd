package dev.slipway.aws;

import dev.slipway.engine.Refused;
import dev.slipway.engine.Unavailable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * SDK exceptions translated once, here, into the ports' two answers: {@link Unavailable} (retry
 * later) or {@link Refused} (for good), each with the service's own code and message.
 */
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

  /**
   * The port's exception for {@code e}: thrown, so callers write {@code throw AwsErrors.fail(e)}.
   */
  static RuntimeException fail(SdkException e) throws Unavailable, Refused {
    if (isTransient(e)) {
      throw new Unavailable(reason(e));
    }
    throw new Refused(reason(e));
  }

  /** For the ports' questions, which have no "refused": every SDK error is {@link Unavailable}. */
  static Unavailable unavailable(SdkException e) {
    return new Unavailable(reason(e));
  }
}
