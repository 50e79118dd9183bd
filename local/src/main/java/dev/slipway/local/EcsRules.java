package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What ECS refuses in an UpdateService's deployment configuration and moto takes (README,
 * fidelity): a blue/green, linear or canary strategy on a service whose load balancers lack the
 * advanced configuration ECS shifts traffic with (an alternate target group; with an Application
 * Load Balancer's target group, the production listener rule and the role ECS calls Elastic Load
 * Balancing as), and settings outside ECS's ranges (percents in steps of 0.1, a canary's from 0.1,
 * a linear step's from 3.0, to 100; bake times of 0-1440 minutes). The proxy answers such a request
 * as ECS does, with an InvalidParameterException, and nothing reaches the emulator.
 */
final class EcsRules {
  private EcsRules() {}

  /**
   * Why ECS would refuse {@code request} (UpdateService's JSON), given the service as it stands
   * ({@code service}, DescribeServices' entry; its load balancers count unless the request sets its
   * own); empty when it would not.
   */
  static Optional<String> updateService(JsonNode request, JsonNode service) {
    JsonNode configuration = request.path("deploymentConfiguration");
    String strategy = configuration.path("strategy").asText("ROLLING");
    List<String> problems = new ArrayList<>();
    range(problems, configuration, "bakeTimeInMinutes", 0, 1440);
    range(problems, configuration.path("canaryConfiguration"), "canaryBakeTimeInMinutes", 0, 1440);
    range(problems, configuration.path("linearConfiguration"), "stepBakeTimeInMinutes", 0, 1440);
    percent(problems, configuration.path("canaryConfiguration"), "canaryPercent", 0.1);
    percent(problems, configuration.path("linearConfiguration"), "stepPercent", 3.0);
    if (!strategy.equals("ROLLING")) {
      JsonNode balancers =
          request.has("loadBalancers")
              ? request.path("loadBalancers")
              : service.path("loadBalancers");
      if (balancers.isEmpty()
          && !service.path("serviceConnectConfiguration").path("enabled").asBoolean()) {
        problems.add(
            "the "
                + strategy
                + " deployment strategy needs a load balancer (with an alternate target group) or"
                + " Service Connect; service "
                + service.path("serviceName").asText("?")
                + " has neither");
      }
      for (JsonNode balancer : balancers) {
        JsonNode advanced = balancer.path("advancedConfiguration");
        List<String> missing = new ArrayList<>();
        if (advanced.path("alternateTargetGroupArn").asText("").isEmpty()) {
          missing.add("alternateTargetGroupArn");
        }
        if (balancer.path("targetGroupArn").asText("").contains(":targetgroup/")) {
          for (String field : List.of("productionListenerRule", "roleArn")) {
            if (advanced.path(field).asText("").isEmpty()) {
              missing.add(field);
            }
          }
        }
        if (!missing.isEmpty()) {
          problems.add(
              "the "
                  + strategy
                  + " deployment strategy needs the load balancer's advancedConfiguration."
                  + String.join(", advancedConfiguration.", missing)
                  + " (target group "
                  + balancer.path("targetGroupArn").asText("?")
                  + ")");
        }
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  private static void range(List<String> problems, JsonNode node, String field, int min, int max) {
    JsonNode value = node.path(field);
    if (!value.isMissingNode() && !value.isNull() && (value.asInt() < min || value.asInt() > max)) {
      problems.add(field + " " + value.asText() + " is outside " + min + "-" + max);
    }
  }

  private static void percent(List<String> problems, JsonNode node, String field, double min) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    double v = value.asDouble();
    if (v < min - 1e-9 || v > 100 + 1e-9 || Math.abs(v * 10 - Math.rint(v * 10)) > 1e-6) {
      problems.add(
          field + " " + value.asText() + " is not a multiple of 0.1 from " + min + " to 100.0");
    }
  }
}
