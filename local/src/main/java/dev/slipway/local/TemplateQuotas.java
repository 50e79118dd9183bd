package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quotas CloudFormation and IAM hold a template to, which moto does not: a template that breaks
 * one fails {@code cdk deploy} on AWS (CloudFormation refuses it, or rolls the stack back when IAM
 * refuses a policy), so {@code slipway local} refuses it before anything starts.
 *
 * <ul>
 *   <li>CloudFormation: at most {@value #RESOURCES} resources and {@value #OUTPUTS} outputs in a
 *       stack, and a template of at most 1 MB in S3 (where {@code cdk deploy} puts it), measured as
 *       CDK writes it: JSON indented one space ({@value #TEMPLATE_BYTES} bytes, the smaller reading
 *       of "1 MB").
 *   <li>IAM (whitespace not counted, after CloudFormation resolved the document): a managed policy
 *       at most {@value #MANAGED_POLICY_CHARACTERS} characters; a role's inline policies together
 *       at most {@value #ROLE_INLINE_CHARACTERS}; at most {@value #MANAGED_POLICIES_PER_ROLE}
 *       managed policies attached to a role (the default quota; 20 after an increase).
 * </ul>
 */
final class TemplateQuotas {
  static final int RESOURCES = 500;
  static final int OUTPUTS = 200;
  static final int TEMPLATE_BYTES = 1_000_000;
  static final int MANAGED_POLICY_CHARACTERS = 6_144;
  static final int ROLE_INLINE_CHARACTERS = 10_240;
  static final int MANAGED_POLICIES_PER_ROLE = 10;

  private TemplateQuotas() {}

  /** Refuses {@code template} with the first quota it breaks, naming the resource and the size. */
  static void check(JsonNode template, TemplateRules rules) {
    JsonNode resources = template.path("Resources");
    perStack(resources.size(), RESOURCES, "resources");
    perStack(template.path("Outputs").size(), OUTPUTS, "outputs");
    long bytes = cdkBytes(template, 0);
    if (bytes > TEMPLATE_BYTES) {
      throw new TemplateRules.Refused(
          "the template is "
              + bytes
              + " bytes as CDK writes it; CloudFormation takes at most 1 MB ("
              + TEMPLATE_BYTES
              + ")");
    }
    Map<String, Integer> inline = new LinkedHashMap<>();
    Map<String, List<String>> managed = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String type = entry.getValue().path("Type").asText();
      JsonNode properties = entry.getValue().path("Properties");
      if (type.equals("AWS::IAM::Role")) {
        int size = 0;
        for (JsonNode policy : properties.path("Policies")) {
          size += characters(rules.resolve(policy.path("PolicyDocument")));
        }
        inline.merge(entry.getKey(), size, Integer::sum);
        List<String> attached = managed.computeIfAbsent(entry.getKey(), k -> new ArrayList<>());
        properties
            .path("ManagedPolicyArns")
            .forEach(arn -> attached.add(rules.resolve(arn).asText()));
      } else if (type.equals("AWS::IAM::Policy")) {
        int size = characters(rules.resolve(properties.path("PolicyDocument")));
        properties
            .path("Roles")
            .forEach(role -> inline.merge(role.path("Ref").asText(), size, Integer::sum));
      } else if (type.equals("AWS::IAM::ManagedPolicy")) {
        int size = characters(rules.resolve(properties.path("PolicyDocument")));
        if (size > MANAGED_POLICY_CHARACTERS) {
          throw new TemplateRules.Refused(
              "the template's managed policy "
                  + entry.getKey()
                  + " is "
                  + size
                  + " characters; IAM takes at most "
                  + MANAGED_POLICY_CHARACTERS
                  + " (whitespace aside)");
        }
        properties
            .path("Roles")
            .forEach(
                role ->
                    managed
                        .computeIfAbsent(role.path("Ref").asText(), k -> new ArrayList<>())
                        .add(entry.getKey()));
      }
    }
    inline.forEach(
        (role, size) -> {
          if (size > ROLE_INLINE_CHARACTERS) {
            throw new TemplateRules.Refused(
                "the template's role "
                    + role
                    + " has "
                    + size
                    + " characters of inline policy; IAM takes at most "
                    + ROLE_INLINE_CHARACTERS
                    + " for a role's inline policies together (whitespace aside)");
          }
        });
    managed.forEach(
        (role, policies) -> {
          if (policies.size() > MANAGED_POLICIES_PER_ROLE) {
            throw new TemplateRules.Refused(
                "the template attaches "
                    + policies.size()
                    + " managed policies to role "
                    + role
                    + "; IAM attaches at most "
                    + MANAGED_POLICIES_PER_ROLE
                    + " to a role (its default quota)");
          }
        });
  }

  /** Refuses {@code count} of {@code what} over CloudFormation's {@code limit} for one stack. */
  private static void perStack(int count, int limit, String what) {
    if (count > limit) {
      throw new TemplateRules.Refused(
          "the template has "
              + count
              + " "
              + what
              + "; CloudFormation takes at most "
              + limit
              + " in one stack");
    }
  }

  /** A resolved policy's characters as IAM counts them: compact JSON, whitespace aside. */
  static int characters(JsonNode document) {
    String json = document.toString();
    int count = 0;
    for (int i = 0; i < json.length(); i++) {
      if (!Character.isWhitespace(json.charAt(i))) {
        count++;
      }
    }
    return count;
  }

  /** {@code node}'s size in UTF-8 as CDK writes a template: {@code JSON.stringify(t, null, 1)}. */
  static long cdkBytes(JsonNode node, int depth) {
    if (node.isContainerNode() && node.isEmpty()) {
      return 2; // [] or {}
    }
    if (node.isArray()) {
      long size = 2 + 1 + depth; // [ newline ... indent ]
      for (JsonNode child : node) {
        size += depth + 1 + cdkBytes(child, depth + 1) + 2; // indent, value, "," or "", newline
      }
      return size - 1; // the last element has no comma
    }
    if (node.isObject()) {
      long size = 2 + 1 + depth;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        size +=
            depth
                + 1
                + utf8(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()).toString())
                + 2 // ": "
                + cdkBytes(e.getValue(), depth + 1)
                + 2;
      }
      return size - 1;
    }
    return utf8(node.toString());
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
