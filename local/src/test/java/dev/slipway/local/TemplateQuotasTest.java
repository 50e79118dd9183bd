package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import org.junit.jupiter.api.Test;

/** CloudFormation's and IAM's quotas on a template, which moto does not hold it to. */
class TemplateQuotasTest {
  static final String ACCOUNT = "210987654321";

  /** A role, and a managed policy on it granting UpdateService on {@code services} ECS services. */
  static ObjectNode template(int services, int extraManagedPolicies) {
    ObjectNode t = Json.mapper().createObjectNode();
    ObjectNode resources = t.putObject("Resources");
    ObjectNode role = resources.putObject("HandlerRole");
    role.put("Type", "AWS::IAM::Role");
    ArrayNode arns = role.putObject("Properties").putArray("ManagedPolicyArns");
    arns.add("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
    for (int i = 0; i < extraManagedPolicies; i++) {
      arns.add("arn:aws:iam::aws:policy/ReadOnly" + i);
    }
    ObjectNode policy = resources.putObject("Effects1");
    policy.put("Type", "AWS::IAM::ManagedPolicy");
    ObjectNode properties = policy.putObject("Properties");
    properties.putArray("Roles").addObject().put("Ref", "HandlerRole");
    ObjectNode statement =
        properties
            .putObject("PolicyDocument")
            .put("Version", "2012-10-17")
            .putArray("Statement")
            .addObject();
    statement.put("Effect", "Allow").put("Action", "ecs:UpdateService");
    ArrayNode resource = statement.putArray("Resource");
    for (int i = 0; i < services; i++) {
      // as CDK writes an ARN: a Join of the partition, region and account
      ArrayNode parts = resource.addObject().putArray("Fn::Join").add("").addArray();
      parts.add("arn:").addObject().put("Ref", "AWS::Partition");
      parts.add(":ecs:").addObject().put("Ref", "AWS::Region");
      parts.add(":").addObject().put("Ref", "AWS::AccountId");
      parts.add(":service/default/service-" + i);
    }
    return t;
  }

  static void check(JsonNode template) {
    TemplateQuotas.check(template, new TemplateRules(template, ACCOUNT, "eu-west-1"));
  }

  @Test
  void aManagedPolicyOverIamsSize_isRefused_namingItAndItsResolvedSize() {
    // 70 resolved ARNs of 59-60 characters: about 4,400 characters; 100: over 6,144.
    assertThatCode(() -> check(template(70, 0))).doesNotThrowAnyException();
    assertThatThrownBy(() -> check(template(100, 0)))
        .isInstanceOf(TemplateRules.Refused.class)
        .hasMessageMatching(
            "the template's managed policy Effects1 is 6[0-9]{3} characters; IAM takes at most"
                + " 6144 \\(whitespace aside\\)");
  }

  @Test
  void moreThanTenManagedPoliciesOnARole_isRefused_countingTheTemplatesOwnAndAwsManaged() {
    // AWSLambdaBasicExecutionRole, 8 more ARNs, and Effects1: ten.
    assertThatCode(() -> check(template(1, 8))).doesNotThrowAnyException();
    assertThatThrownBy(() -> check(template(1, 9)))
        .isInstanceOf(TemplateRules.Refused.class)
        .hasMessage(
            "the template attaches 11 managed policies to role HandlerRole; IAM attaches at most"
                + " 10 to a role (its default quota)");
  }

  @Test
  void aRolesInlinePoliciesOverIamsSize_areRefused() {
    ObjectNode t = template(1, 0);
    ObjectNode resources = (ObjectNode) t.get("Resources");
    for (int p = 0; p < 2; p++) {
      ObjectNode policy = resources.putObject("Inline" + p);
      policy.put("Type", "AWS::IAM::Policy");
      policy.putObject("Properties").putArray("Roles").addObject().put("Ref", "HandlerRole");
      ObjectNode statement =
          ((ObjectNode) policy.get("Properties"))
              .putObject("PolicyDocument")
              .putArray("Statement")
              .addObject()
              .put("Effect", "Allow")
              .put("Action", "s3:GetObject");
      ArrayNode r = statement.putArray("Resource");
      for (int i = 0; i < 100; i++) {
        r.add("arn:aws:s3:::slipway-sources-210987654321/ledger/" + i + "/*"); // ~55 each
      }
    }
    assertThatThrownBy(() -> check(t))
        .isInstanceOf(TemplateRules.Refused.class)
        .hasMessageStartingWith("the template's role HandlerRole has 1")
        .hasMessageEndingWith(
            " characters of inline policy; IAM takes at most 10240 for a role's inline policies"
                + " together (whitespace aside)");
  }

  @Test
  void moreThan500Resources_200Outputs_orATemplateOver1Mb_areRefused() {
    ObjectNode many = template(1, 0);
    for (int i = 0; i < 499; i++) {
      ((ObjectNode) many.get("Resources")).putObject("Queue" + i).put("Type", "AWS::SQS::Queue");
    }
    assertThatThrownBy(() -> check(many))
        .isInstanceOf(TemplateRules.Refused.class)
        .hasMessage(
            "the template has 501 resources; CloudFormation takes at most 500 in one stack");

    ObjectNode outputs = template(1, 0);
    ObjectNode declared = outputs.putObject("Outputs");
    for (int i = 0; i < 201; i++) {
      declared.putObject("RepositoryUri" + i).put("Value", "x");
    }
    assertThatThrownBy(() -> check(outputs))
        .isInstanceOf(TemplateRules.Refused.class)
        .hasMessage("the template has 201 outputs; CloudFormation takes at most 200 in one stack");

    ObjectNode big = template(1, 0);
    ObjectNode bucket = ((ObjectNode) big.get("Resources")).putObject("Bucket");
    bucket.put("Type", "AWS::S3::Bucket");
    ArrayNode rules = bucket.putObject("Properties").putArray("Rules");
    for (int i = 0; i < 20_000; i++) {
      rules.addObject().put("Id", "rule-" + i).put("Prefix", "sources/" + i + "/");
    }
    assertThatThrownBy(() -> check(big))
        .isInstanceOf(TemplateRules.Refused.class)
        .hasMessageMatching(
            "the template is 1[0-9]{6} bytes as CDK writes it; CloudFormation takes at most 1 MB"
                + " \\(1000000\\)");
  }

  @Test
  void aTemplatesSize_isCountedAsCdkWritesIt_jsonIndentedOneSpace() {
    // JSON.stringify({"a":[1,{"b":"x","c":[]}],"d":{}}, null, 1) is 61 characters (as Python's
    // json.dumps(..., indent=1)); the same holds for non-ASCII text, in UTF-8 bytes.
    JsonNode node = Json.parse("{\"a\":[1,{\"b\":\"x\",\"c\":[]}],\"d\":{}}", "$");
    assertThat(TemplateQuotas.cdkBytes(node, 0)).isEqualTo(61);
    assertThat(TemplateQuotas.cdkBytes(Json.parse("{\"é\":\"ü\"}", "$"), 0))
        .isEqualTo("{\n \"é\": \"ü\"\n}".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }
}
