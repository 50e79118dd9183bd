package dev.slipway.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.emulator.ManagedProcess;
import dev.slipway.emulator.Moto;
import java.io.IOException;
import java.nio.file.Files;

/**
 * {@code moto_server}, the AWS emulator, on a free loopback port for the integration tests ({@code
 * pip install 'moto[server]'}; {@code .ci/run} installs it when missing). Without it these tests
 * are skipped with a message on a developer machine and fail under CI.
 */
public final class MotoServer implements AutoCloseable {
  private final ManagedProcess process;
  public final String endpoint;

  private MotoServer(ManagedProcess process) {
    this.process = process;
    this.endpoint = Moto.endpoint(process);
  }

  public static MotoServer start() throws IOException, InterruptedException {
    if (ManagedProcess.find("moto_server") == null) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(
            "moto_server is not installed; .ci/run should have installed it");
      }
      assumeTrue(false, "moto_server not installed (" + Moto.INSTALL + "): emulator tests skipped");
    }
    return new MotoServer(Moto.start("123456789012", Files.createTempFile("moto", ".log")));
  }

  /** SDK clients of every service Slipway uses, pointed at this emulator with test credentials. */
  public AwsClients clients(String region) {
    return new AwsClients(
        java.util.Map.of("AWS_REGION", region, "AWS_ENDPOINT_URL", endpoint),
        AwsClients.EMULATOR_CREDENTIALS);
  }

  /** POSTs JSON to a moto-api endpoint (result queues for scans and findings). */
  public void post(String path, String json) throws IOException, InterruptedException {
    Moto.post(endpoint, path, json);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
