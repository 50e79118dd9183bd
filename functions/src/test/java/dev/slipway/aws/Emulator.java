package dev.slipway.aws;

import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The emulator for a test class: {@code @RegisterExtension static final Emulator emulator = new
 * Emulator("us-east-1");} starts moto before the class's tests and stops it after, with SDK clients
 * of every service Slipway calls (and SQS) pointed at it.
 */
public final class Emulator implements BeforeAllCallback, AfterAllCallback {
  private final String region;
  private MotoServer moto;
  private AwsClients aws;
  private SqsClient sqs;

  public Emulator(String region) {
    this.region = region;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    moto = MotoServer.start();
    aws = moto.clients(region);
    sqs =
        SqsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
            .endpointOverride(URI.create(moto.endpoint))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (sqs != null) {
      sqs.close();
    }
    if (aws != null) {
      aws.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  public AwsClients aws() {
    return aws;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public String endpoint() {
    return moto.endpoint;
  }

  /** An S3 client of this emulator whose calls pass through {@code interceptor} (a test's view). */
  public S3Client s3(ExecutionInterceptor interceptor) {
    return S3Client.builder()
        .region(Region.of(region))
        .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
        .endpointOverride(URI.create(moto.endpoint))
        .forcePathStyle(true)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor))
        .build();
  }

  /** Forgets everything the emulator holds (moto's reset). */
  public void reset() throws Exception {
    moto.post("/moto-api/reset", "{}");
  }

  /** POSTs JSON to a moto-api endpoint. */
  public void post(String path, String json) throws Exception {
    moto.post(path, json);
  }
}
