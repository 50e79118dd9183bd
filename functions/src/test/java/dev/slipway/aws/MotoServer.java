package dev.slipway.aws;

import dev.slipway.emulator.Installs;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.emulator.Moto;
import java.io.IOException;
import java.nio.file.Files;

/**
 * {@code moto_server}, the AWS emulator, on a free loopback port for the integration tests: the one
 * on the PATH, else the one Slipway installs for itself under its cache directory (as {@code
 * slipway local} does), so these tests need nothing installed by hand.
 */
public final class MotoServer implements AutoCloseable {
  private final ManagedProcess process;
  public final String endpoint;

  private MotoServer(ManagedProcess process) {
    this.process = process;
    this.endpoint = Moto.endpoint(process);
  }

  public static MotoServer start() throws IOException, InterruptedException {
    return new MotoServer(
        Moto.start(
            "123456789012", Files.createTempFile("moto", ".log"), Installs.cache(), System.err));
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
