package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.AwsClients;
import dev.slipway.aws.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * ECS's side reacts to the service changes the proxy sees, as ECS reacts to UpdateService, and
 * describes every service only at its safety-net pass (against moto, through the proxy).
 */
class TaskRunnerTest {
  @TempDir Path tmp;

  @Test
  void aChangeThroughTheProxy_isRolledOutAtTheNextTick_aChangeItDidNotSee_atTheFullPass()
      throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Rollouts rollouts = new Rollouts(tmp);
    try (MotoServer moto = MotoServer.start();
        Journal journal = new Journal(tmp.resolve("journal.jsonl"));
        JournalingProxy proxy = new JournalingProxy(moto.endpoint, journal, quiet, rollouts);
        AwsClients viaProxy = clients(proxy.endpoint());
        AwsClients direct = clients(moto.endpoint);
        CloudWatchLogsClient logs =
            CloudWatchLogsClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
                .endpointOverride(URI.create(moto.endpoint))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        LogShipper shipper = new LogShipper(logs);
        TaskRunner tasks =
            new TaskRunner(
                viaProxy,
                new AwsSide(viaProxy, "123456789012", "eu-west-1"),
                "127.0.0.1:1",
                Files.createDirectories(tmp.resolve("tasks")),
                quiet,
                shipper,
                true,
                rollouts)) {
      proxy.onServiceChanges(tasks::changed);
      viaProxy.ecs().createCluster(r -> r.clusterName("c"));
      for (String family : new String[] {"seen", "unseen"}) {
        for (int revision = 1; revision <= 2; revision++) {
          viaProxy
              .ecs()
              .registerTaskDefinition(
                  r ->
                      r.family(family)
                          .containerDefinitions(
                              c ->
                                  c.name("app")
                                      .memory(128)
                                      .image("repo@sha256:" + "1".repeat(64))));
        }
        viaProxy
            .ecs()
            .createService(
                r ->
                    r.cluster("c")
                        .serviceName(family)
                        .taskDefinition(family + ":1")
                        .desiredCount(1));
      }
      tasks.tick(); // the first pass describes every service: both seen on revision 1
      assertThat(ended()).isEmpty();

      direct.ecs().updateService(r -> r.cluster("c").service("unseen").taskDefinition("unseen:2"));
      viaProxy.ecs().updateService(r -> r.cluster("c").service("seen").taskDefinition("seen:2"));
      tasks.tick();
      assertThat(ended())
          .as("only the change the proxy saw is rolled out before the full pass")
          .containsExactly("seen:2");

      tasks.fullPassAtNextTick();
      tasks.tick();
      assertThat(ended())
          .as("the full pass finds the change made behind the proxy's back")
          .containsExactlyInAnyOrder("seen:2", "unseen:2");
    }
  }

  /**
   * The task definitions whose rollout ended (as rollouts.json keeps them), by their ARN's tail.
   */
  private java.util.List<String> ended() throws Exception {
    Path file = tmp.resolve(Rollouts.FILE);
    if (!Files.exists(file)) {
      return java.util.List.of();
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    dev.slipway.json.Json.parse(Files.readString(file), "$")
        .elements()
        .forEachRemaining(
            e -> {
              String td = e.path("taskDefinition").asText();
              out.add(td.substring(td.lastIndexOf('/') + 1));
            });
    return out;
  }

  private static AwsClients clients(String endpoint) {
    return new AwsClients(
        Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", endpoint),
        AwsClients.EMULATOR_CREDENTIALS);
  }
}
