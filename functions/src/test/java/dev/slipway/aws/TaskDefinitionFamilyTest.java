package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The family a deploy reads the newest revision of, from the service's task definition ARN. */
class TaskDefinitionFamilyTest {
  @Test
  void theFamily_isBetweenTheResourceTypeAndTheRevision() {
    assertThat(
            EcsDeployments.family("arn:aws:ecs:eu-west-1:210987654321:task-definition/hello-go:12"))
        .contains("hello-go");
    assertThat(
            EcsDeployments.family(
                "arn:aws-us-gov:ecs:us-gov-west-1:210987654321:task-definition/a_b-c:1"))
        .contains("a_b-c");
  }

  @Test
  void anythingElse_hasNoFamily_andTheArnItselfIsRead() {
    assertThat(EcsDeployments.family("hello-go:12")).isEmpty();
    assertThat(EcsDeployments.family("arn:aws:ecs:eu-west-1:210987654321:task-definition/x"))
        .isEmpty();
    assertThat(EcsDeployments.family("arn:aws:ecs:eu-west-1:210987654321:task-definition/:3"))
        .isEmpty();
  }
}
