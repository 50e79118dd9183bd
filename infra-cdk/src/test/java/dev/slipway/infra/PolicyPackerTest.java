package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** Grants packed into managed policies IAM accepts, every resource in exactly once, in order. */
class PolicyPackerTest {
  /** An ECS service ARN at its longest: the longest partition and region this packer allows. */
  static String longest(int i) {
    return "arn:aws-us-gov:ecs:ap-southeast-77:123456789012:service/default/service-" + i;
  }

  @Test
  void manyResources_areSplitAcrossPolicies_eachWithinIamsSize_noneLostOrRepeated() {
    List<PolicyPacker.Resource> services = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      services.add(new PolicyPacker.Resource(longest(i), longest(i).length()));
    }
    List<PolicyPacker.Grant> grants =
        List.of(
            new PolicyPacker.Grant(
                List.of("ecs:DescribeServices", "ecs:UpdateService"), Map.of(), services),
            new PolicyPacker.Grant(
                List.of("iam:PassRole"),
                Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")),
                List.of(
                    new PolicyPacker.Resource(
                        "arn:aws:iam::123456789012:role/task",
                        "arn:aws:iam::123456789012:role/task".length()))));

    List<List<PolicyStatement>> policies = PolicyPacker.pack(grants);

    assertThat(policies).hasSizeBetween(4, 5); // 300 ARNs of about 75 characters: 22,500
    List<Object> resources = new ArrayList<>();
    for (List<PolicyStatement> policy : policies) {
      List<Object> statements = new ArrayList<>();
      for (PolicyStatement statement : policy) {
        Object json = statement.toStatementJson();
        statements.add(json);
        Object r = ((Map<?, ?>) json).get("Resource");
        resources.addAll(r instanceof List<?> l ? l : List.of(r));
      }
      String document =
          Json.mapper()
              .valueToTree(Map.of("Version", "2012-10-17", "Statement", statements))
              .toString();
      assertThat(document.replaceAll("\\s", "").length())
          .as("a packed policy as IAM counts it")
          .isLessThanOrEqualTo(PolicyPacker.MANAGED_POLICY_CHARACTERS);
    }
    List<Object> expected = new ArrayList<>(services.stream().map(r -> (Object) r.arn()).toList());
    expected.add("arn:aws:iam::123456789012:role/task");
    assertThat(resources).containsExactlyElementsOf(expected);
  }
}
