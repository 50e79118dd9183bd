package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.EventParser;
import dev.slipway.event.ParseResult;
import dev.slipway.event.PipelineEvent;
import dev.slipway.release.DeclarationsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a handler's wiring builds no SDK client; each adapter builds its own when it first
 * calls AWS, so a handler's cold start pays for the clients its own steps call (building all eight
 * took 0.65-0.75 s of every handler's constructor).
 */
class WiringTest {
  static PipelineEvent sample(String path) throws Exception {
    String text =
        Files.readString(Path.of(System.getProperty("slipway.root", ".."), "events", path));
    return ((ParseResult.Parsed) new EventParser().parse(text).get(0)).event();
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9"); // nothing listens: no call may succeed
    env.put("SLIPWAY_SOURCE_BUCKET", "slipway-sources");
    env.put(
        DeclarationsReader.ENVIRONMENT_VARIABLE,
        DeclarationsReader.toJson(dev.slipway.engine.FakeWorld.DECLARATIONS));
    env.put("SLIPWAY_TIMER_QUEUE_URL", "http://127.0.0.1:9/210987654321/deployment");
    return env;
  }

  @Test
  void theWiringBuildsNoClient_andAnEventBuildsOnlyTheOnesItsStepCalls() throws Exception {
    Map<String, String> env = env();
    try (AwsClients aws = new AwsClients(env, AwsClients.EMULATOR_CREDENTIALS)) {
      Pipeline pipeline = Wiring.pipeline(env, Clock.systemUTC(), aws);
      assertThat(aws.built()).isEmpty();

      // a push to a repository that is not a service's: decided without calling AWS
      assertThat(pipeline.handle(sample("ecr/image-action-push-other-repository.json")))
          .isInstanceOf(Pipeline.Handled.Ignored.class);
      assertThat(aws.built()).isEmpty();

      // an ECS deployment's end: the ledger (S3) is asked whose it is, and nothing else is built
      catchThrowable(() -> pipeline.handle(sample("ecs/deployment-completed.json")));
      assertThat(aws.built()).containsExactly("s3");
    }
  }

  @Test
  void snapStartPriming_buildsTheLedgersClient_andNeverFails() throws Exception {
    Map<String, String> env = env();
    try (AwsClients aws = new AwsClients(env, AwsClients.EMULATOR_CREDENTIALS)) {
      Pipeline pipeline = Wiring.pipeline(env, Clock.systemUTC(), aws);
      pipeline.prime(); // nothing listens at the endpoint: the call fails, the priming does not
      assertThat(aws.built()).containsExactly("s3");
    }
  }
}
