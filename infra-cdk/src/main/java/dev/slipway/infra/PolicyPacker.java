package dev.slipway.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.slipway.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * Grants that every one of several roles holds, packed once into customer managed policies of at
 * most IAM's size, attached to all of them; rather than a copy in each role's own policy, which for
 * 200 declared services made seven copies of 431 ARNs and a template over CloudFormation's 1 MB.
 *
 * <p>IAM counts a managed policy's characters, whitespace aside, after CloudFormation resolved it,
 * and refuses one over {@value #MANAGED_POLICY_CHARACTERS}. An ARN here is still a token, so each
 * resource comes with the length it resolves to at most (the longest partition and region).
 */
final class PolicyPacker {
  /** IAM's limit for one managed policy, whitespace not counted. */
  static final int MANAGED_POLICY_CHARACTERS = 6_144;

  /** What the estimate keeps spare, for what it cannot see. */
  private static final int BUDGET = MANAGED_POLICY_CHARACTERS - 256;

  /** {"Version":"2012-10-17","Statement":[]} */
  private static final int DOCUMENT = 39;

  /** {"Effect":"Allow","Action":[],"Resource":[]} */
  private static final int STATEMENT = 46;

  /** The longest a partition and a region resolve to: aws-us-gov, ap-southeast-5 (and more). */
  static final int PARTITION = "aws-us-gov".length();

  static final int REGION = 16;

  static final int ACCOUNT = 12;

  /** A resource, possibly a token, and the most characters it resolves to. */
  record Resource(String arn, int resolvedLength) {}

  /** One statement's actions and condition, over resources that may be split across policies. */
  record Grant(List<String> actions, Map<String, Object> conditions, List<Resource> resources) {
    Grant {
      actions = List.copyOf(actions);
      conditions = Map.copyOf(conditions);
      resources = List.copyOf(resources);
    }

    int cost() {
      int cost = STATEMENT + actions.stream().mapToInt(a -> a.length() + 3).sum();
      if (conditions.isEmpty()) {
        return cost;
      }
      try {
        return cost
            + ",\"Condition\":".length()
            + Json.mapper().writeValueAsString(conditions).length();
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("a condition that is not JSON: " + conditions, e);
      }
    }
  }

  /** The most characters an ARN of {@code service} and {@code resource} in this stack takes. */
  static int arnLength(String service, boolean regional, String resource) {
    return "arn:".length()
        + PARTITION
        + 1
        + service.length()
        + 1
        + (regional ? REGION : 0)
        + 1
        + ACCOUNT
        + 1
        + resource.length();
  }

  private PolicyPacker() {}

  /**
   * The statements of {@code grants}, in order, packed into as few policies as fit; a grant with
   * more resources than one policy holds is split into statements in consecutive policies.
   */
  static List<List<PolicyStatement>> pack(List<Grant> grants) {
    List<List<PolicyStatement>> policies = new ArrayList<>();
    List<PolicyStatement> current = new ArrayList<>();
    int used = DOCUMENT;
    for (Grant grant : grants) {
      List<String> chunk = new ArrayList<>();
      int cost = grant.cost();
      for (Resource resource : grant.resources()) {
        int add = resource.resolvedLength() + 3;
        if (used + cost + add > BUDGET) {
          if (!chunk.isEmpty()) {
            current.add(statement(grant, chunk));
            chunk = new ArrayList<>();
            cost = grant.cost();
          }
          if (!current.isEmpty()) {
            policies.add(current);
          }
          current = new ArrayList<>();
          used = DOCUMENT;
          if (cost + add + DOCUMENT > BUDGET) {
            throw new IllegalArgumentException(
                "one resource of "
                    + grant.actions()
                    + " does not fit a managed policy: "
                    + resource);
          }
        }
        chunk.add(resource.arn());
        cost += add;
      }
      if (!chunk.isEmpty()) {
        current.add(statement(grant, chunk));
        used += cost;
      }
    }
    if (!current.isEmpty()) {
      policies.add(current);
    }
    return policies;
  }

  /**
   * {@link #pack}'s policies as managed policies {@code id}1, {@code id}2, ... attached to each of
   * {@code roles} through the role's {@code ManagedPolicyArns}: so a role, and a function using it,
   * is created only once its policies exist (through the policy's {@code Roles}, the function could
   * run before they are attached).
   */
  static List<ManagedPolicy> attach(
      Construct scope, String id, String description, List<Grant> grants, List<IRole> roles) {
    List<ManagedPolicy> out = new ArrayList<>();
    List<List<PolicyStatement>> packed = pack(grants);
    for (int i = 0; i < packed.size(); i++) {
      ManagedPolicy policy =
          ManagedPolicy.Builder.create(scope, id + (i + 1))
              .description(description + " (" + (i + 1) + " of " + packed.size() + ")")
              .statements(packed.get(i))
              .build();
      roles.forEach(role -> role.addManagedPolicy(policy));
      out.add(policy);
    }
    return out;
  }

  private static PolicyStatement statement(Grant grant, List<String> resources) {
    PolicyStatement.Builder b =
        PolicyStatement.Builder.create().actions(grant.actions()).resources(resources);
    if (!grant.conditions().isEmpty()) {
      b.conditions(grant.conditions());
    }
    return b.build();
  }
}
