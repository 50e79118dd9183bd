package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutsTest {
  static final String ARN = "arn:aws:ecs:eu-west-1:123456789012:service/default/svc";
  static final String TD1 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/svc:1";
  static final String TD2 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/svc:2";

  @TempDir Path tmp;

  /** moto's answer: one deployment for the service's whole life, its rollout never moving. */
  static byte[] motoAnswer(String taskDefinition) {
    return ("{\"services\":[{\"serviceArn\":\""
            + ARN
            + "\",\"taskDefinition\":\""
            + taskDefinition
            + "\",\"deployments\":[{\"id\":\"ecs-svc/1234\",\"status\":\"PRIMARY\","
            + "\"taskDefinition\":\""
            + TD1
            + "\",\"rolloutState\":\"IN_PROGRESS\"}]}],\"failures\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode deployments(byte[] answer) {
    return Json.parse(new String(answer, StandardCharsets.UTF_8), "$")
        .path("services")
        .get(0)
        .path("deployments");
  }

  @Test
  void eachTaskDefinitionIsItsOwnDeployment_inProgressUntilTheTaskRunnerReports() throws Exception {
    Rollouts rollouts = new Rollouts(tmp);

    JsonNode first = deployments(rollouts.rewrite(motoAnswer(TD1)));
    JsonNode second = deployments(rollouts.rewrite(motoAnswer(TD2)));

    assertThat(first.get(0).path("id").asText())
        .isEqualTo(Rollouts.deploymentId(ARN, TD1))
        .isNotEqualTo(second.get(0).path("id").asText())
        .startsWith("ecs-svc/");
    assertThat(second.get(0).path("taskDefinition").asText()).isEqualTo(TD2);
    assertThat(second.get(0).path("rolloutState").asText()).isEqualTo("IN_PROGRESS");

    rollouts.ended(ARN, TD2, true);
    assertThat(deployments(rollouts.rewrite(motoAnswer(TD2))).get(0).path("rolloutState").asText())
        .isEqualTo("COMPLETED");
  }

  @Test
  void aFailedRolloutRolledBack_staysListedAsFailed_andSurvivesARestart() throws Exception {
    Rollouts rollouts = new Rollouts(tmp);
    rollouts.ended(ARN, TD1, true);
    rollouts.ended(ARN, TD2, false);

    // the service is back on TD1; a fresh instance reads what was kept
    JsonNode listed = deployments(new Rollouts(tmp).rewrite(motoAnswer(TD1)));

    assertThat(listed).hasSize(2);
    assertThat(listed.get(0).path("status").asText()).isEqualTo("PRIMARY");
    assertThat(listed.get(0).path("rolloutState").asText()).isEqualTo("COMPLETED");
    assertThat(listed.get(1).path("id").asText()).isEqualTo(Rollouts.deploymentId(ARN, TD2));
    assertThat(listed.get(1).path("status").asText()).isEqualTo("INACTIVE");
    assertThat(listed.get(1).path("rolloutState").asText()).isEqualTo("FAILED");
  }

  @Test
  void answersThatAreNotServices_passUnchanged() throws Exception {
    Rollouts rollouts = new Rollouts(tmp);
    byte[] other = "{\"clusterArns\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] notJson = "<xml/>".getBytes(StandardCharsets.UTF_8);

    assertThat(rollouts.rewrite(other)).isSameAs(other);
    assertThat(rollouts.rewrite(notJson)).isSameAs(notJson);
  }
}
