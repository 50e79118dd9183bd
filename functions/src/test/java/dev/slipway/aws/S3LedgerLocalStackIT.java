package dev.slipway.aws;

import dev.slipway.engine.LedgerContract;
import dev.slipway.engine.ReleaseLedger;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The ledger contract on S3 in LocalStack, for users with Docker (the ecosystem's usual emulator).
 * Disabled where no Docker engine runs, as on Slipway's own CI machine, which uses moto instead.
 */
@Testcontainers(disabledWithoutDocker = true)
class S3LedgerLocalStackIT extends LedgerContract {
  static LocalStackContainer localstack;
  static AwsClients aws;
  S3Ledger ledger;

  @BeforeAll
  static void start() {
    localstack =
        new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
            .withServices("s3");
    localstack.start();
    aws =
        new AwsClients(
            Map.of(
                "AWS_REGION",
                localstack.getRegion(),
                "AWS_ENDPOINT_URL",
                localstack.getEndpoint().toString()),
            software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                    localstack.getAccessKey(), localstack.getSecretKey())));
  }

  @AfterAll
  static void stop() {
    if (aws != null) {
      aws.close();
    }
    if (localstack != null) {
      localstack.stop();
    }
  }

  @BeforeEach
  void bucket() {
    String name = "ledger-" + System.nanoTime();
    aws.s3().createBucket(r -> r.bucket(name));
    ledger = new S3Ledger(aws.s3(), name, "ledger/");
  }

  @Override
  protected ReleaseLedger ledger() {
    return ledger;
  }
}
