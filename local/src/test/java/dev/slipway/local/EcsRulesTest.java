package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import org.junit.jupiter.api.Test;

/** README, fidelity: the UpdateService deployment configurations ECS refuses and moto takes. */
class EcsRulesTest {
  static final String TG = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/";

  static JsonNode json(String text) throws Exception {
    return Json.parse(text, "$");
  }

  static final String BALANCED =
      """
      {"serviceName": "hello-go", "loadBalancers": [{"targetGroupArn": "%sblue/1",
        "advancedConfiguration": {"alternateTargetGroupArn": "%sgreen/2",
          "productionListenerRule": "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/a/b/c/d",
          "roleArn": "arn:aws:iam::210987654321:role/ecs-elb"}}]}
      """
          .formatted(TG, TG);

  @Test
  void aCanary_onAServiceWithTheAdvancedConfiguration_passes_andRollingNeedsNone()
      throws Exception {
    assertThat(
            EcsRules.updateService(
                json(
                    "{\"deploymentConfiguration\": {\"strategy\": \"CANARY\", \"bakeTimeInMinutes\":"
                        + " 5, \"canaryConfiguration\": {\"canaryPercent\": 12.5,"
                        + " \"canaryBakeTimeInMinutes\": 3}}}"),
                json(BALANCED)))
        .isEmpty();
    assertThat(
            EcsRules.updateService(
                json("{\"deploymentConfiguration\": {\"strategy\": \"ROLLING\"}}"),
                json("{\"serviceName\": \"bare\"}")))
        .isEmpty();
    assertThat(EcsRules.updateService(json("{\"taskDefinition\": \"td:2\"}"), json("{}")))
        .isEmpty();
  }

  @Test
  void blueGreen_withoutALoadBalancer_orWithoutItsAlternateTargetGroup_isRefused()
      throws Exception {
    assertThat(
            EcsRules.updateService(
                json("{\"deploymentConfiguration\": {\"strategy\": \"BLUE_GREEN\"}}"),
                json("{\"serviceName\": \"bare\", \"loadBalancers\": []}")))
        .contains(
            "the BLUE_GREEN deployment strategy needs a load balancer (with an alternate target"
                + " group) or Service Connect; service bare has neither");
    assertThat(
            EcsRules.updateService(
                json("{\"deploymentConfiguration\": {\"strategy\": \"LINEAR\"}}"),
                json(
                    "{\"serviceName\": \"half\", \"loadBalancers\": [{\"targetGroupArn\": \""
                        + TG
                        + "blue/1\"}]}")))
        .contains(
            "the LINEAR deployment strategy needs the load balancer's"
                + " advancedConfiguration.alternateTargetGroupArn,"
                + " advancedConfiguration.productionListenerRule, advancedConfiguration.roleArn"
                + " (target group "
                + TG
                + "blue/1)");
  }

  @Test
  void settingsOutsideEcsRanges_areRefused_eachNamed() throws Exception {
    assertThat(
            EcsRules.updateService(
                json(
                    "{\"deploymentConfiguration\": {\"strategy\": \"CANARY\", \"bakeTimeInMinutes\":"
                        + " 1441, \"canaryConfiguration\": {\"canaryPercent\": 0.05},"
                        + " \"linearConfiguration\": {\"stepPercent\": 2.0,"
                        + " \"stepBakeTimeInMinutes\": -1}}}"),
                json(BALANCED)))
        .contains(
            "bakeTimeInMinutes 1441 is outside 0-1440; stepBakeTimeInMinutes -1 is outside"
                + " 0-1440; canaryPercent 0.05 is not a multiple of 0.1 from 0.1 to 100.0;"
                + " stepPercent 2 is not a multiple of 0.1 from 3.0 to 100.0");
  }
}
