package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Effect;
import dev.slipway.release.Manifest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DeploymentAlarms;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;

/**
 * architecture §5: an environment's strategy becomes UpdateService's deployment configuration,
 * keeping everything else the service has (an UpdateService naming a configuration replaces it).
 */
class DeploymentStrategyTest {
  static final DeploymentConfiguration SERVICE =
      DeploymentConfiguration.builder()
          .deploymentCircuitBreaker(
              DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
          .alarms(
              DeploymentAlarms.builder()
                  .alarmNames("hello-go-5xx")
                  .enable(true)
                  .rollback(true)
                  .build())
          .minimumHealthyPercent(100)
          .maximumPercent(200)
          .build();

  static Effect.Deploy deploy(Manifest.Strategy strategy, int bakeMinutes) {
    return new Effect.Deploy(
        "c", "s", "app", "repo@sha256:" + "a".repeat(64), strategy, bakeMinutes);
  }

  @Test
  void aCanary_setsItsPercentAndBakes_andKeepsTheCircuitBreakerAndAlarms() {
    DeploymentConfiguration c =
        EcsDeployments.deploymentConfiguration(
            SERVICE, deploy(new Manifest.Strategy(Manifest.Strategy.Kind.CANARY, 10, 3), 2));
    assertThat(c.strategy()).isEqualTo(DeploymentStrategy.CANARY);
    assertThat(c.canaryConfiguration().canaryPercent()).isEqualTo(10.0);
    assertThat(c.canaryConfiguration().canaryBakeTimeInMinutes()).isEqualTo(3);
    assertThat(c.bakeTimeInMinutes()).isEqualTo(2);
    assertThat(c.linearConfiguration()).isNull();
    assertThat(c.deploymentCircuitBreaker()).isEqualTo(SERVICE.deploymentCircuitBreaker());
    assertThat(c.alarms()).isEqualTo(SERVICE.alarms());
    assertThat(c.minimumHealthyPercent()).isEqualTo(100);
  }

  @Test
  void linear_blueGreen_andRolling_eachSetOnlyTheirOwn_andNoneLeavesTheServiceAsItIs() {
    DeploymentConfiguration linear =
        EcsDeployments.deploymentConfiguration(
            SERVICE, deploy(new Manifest.Strategy(Manifest.Strategy.Kind.LINEAR, 25, 1), 5));
    assertThat(linear.strategy()).isEqualTo(DeploymentStrategy.LINEAR);
    assertThat(linear.linearConfiguration().stepPercent()).isEqualTo(25.0);
    assertThat(linear.linearConfiguration().stepBakeTimeInMinutes()).isEqualTo(1);
    assertThat(linear.canaryConfiguration()).isNull();
    DeploymentConfiguration blueGreen =
        EcsDeployments.deploymentConfiguration(
            linear, deploy(new Manifest.Strategy(Manifest.Strategy.Kind.BLUE_GREEN, 100, 0), 4));
    assertThat(blueGreen.strategy()).isEqualTo(DeploymentStrategy.BLUE_GREEN);
    assertThat(blueGreen.bakeTimeInMinutes()).isEqualTo(4);
    assertThat(blueGreen.linearConfiguration()).as("the linear settings are gone").isNull();
    DeploymentConfiguration rolling =
        EcsDeployments.deploymentConfiguration(blueGreen, deploy(Manifest.Strategy.ROLLING, 0));
    assertThat(rolling.strategy()).isEqualTo(DeploymentStrategy.ROLLING);
    assertThat(rolling.bakeTimeInMinutes()).isNull();
    assertThat(EcsDeployments.deploymentConfiguration(SERVICE, deploy(null, 0))).isNull();
  }
}
