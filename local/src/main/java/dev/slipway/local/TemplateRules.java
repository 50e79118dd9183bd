package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what the local runtime installs from the CDK app's synthesized template (not from a second
 * copy): the event rules' patterns, the bucket and repository names, and the handlers' environment,
 * with CloudFormation's intrinsics replaced by the values they have in this account and region.
 *
 * <p>Why this is long: one reader per template resource type the runtime plays (functions, queues,
 * rules, mappings, projects, policies, function URLs), each refusing what AWS would refuse.
 */
public final class TemplateRules {
  private final JsonNode template;
  private final JsonNode resources;
  private final String account;
  private final String region;

  public TemplateRules(JsonNode template, String account, String region) {
    this.template = template;
    this.resources = template.path("Resources");
    this.account = account;
    this.region = region;
  }

  /** Each event rule's pattern, by its name (the description without "Slipway: "). */
  public Map<String, JsonNode> patterns() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      JsonNode resource = it.next().getValue();
      if (resource.path("Type").asText().equals("AWS::Events::Rule")
          && resource.path("Properties").has("EventPattern")) {
        String name =
            resource.path("Properties").path("Description").asText().replace("Slipway: ", "");
        out.put(name, resolve(resource.path("Properties").path("EventPattern")));
      }
    }
    return out;
  }

  /** The first resource of {@code type}'s property {@code name}. */
  public String property(String type, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      JsonNode resource = it.next().getValue();
      if (resource.path("Type").asText().equals(type) && resource.path("Properties").has(name)) {
        return resource.path("Properties").path(name).asText();
      }
    }
    throw new IllegalArgumentException("the template has no " + type + " with " + name);
  }

  /** The environment the handler Lambdas get. */
  public Map<String, String> handlerEnvironment() {
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      JsonNode resource = it.next().getValue();
      if (resource.path("Type").asText().equals("AWS::Lambda::Function")
          && resource
              .path("Properties")
              .path("Handler")
              .asText()
              .startsWith("dev.slipway.handler.")) {
        Map<String, String> env = new LinkedHashMap<>();
        resolve(resource.path("Properties").path("Environment").path("Variables"))
            .fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
      }
    }
    throw new IllegalArgumentException("the template has no Slipway handler");
  }

  /** A handler function as the template defines it: its class, role, policies and environment. */
  public record Function(
      String logicalId,
      String handlerClass,
      String roleName,
      String roleArn,
      Map<String, String> environment,
      Map<String, JsonNode> policies,
      List<String> managedPolicies) {}

  /**
   * Every Lambda function whose handler is one of Slipway's classes, with what the template gives
   * it: the class its {@code Handler} names, its environment, and its role with the identity
   * policies attached to that role (inline, and each AWS::IAM::Policy that lists it).
   */
  public List<Function> functions() {
    List<Function> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode props = entry.getValue().path("Properties");
      String handler = props.path("Handler").asText();
      if (!entry.getValue().path("Type").asText().equals("AWS::Lambda::Function")
          || !handler.startsWith("dev.slipway.handler.")) {
        continue;
      }
      String roleId = props.path("Role").path("Fn::GetAtt").path(0).asText();
      Map<String, String> env = new LinkedHashMap<>();
      resolve(props.path("Environment").path("Variables"))
          .fields()
          .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      Map<String, JsonNode> policies = policiesOf(roleId);
      List<String> managed = new ArrayList<>();
      resources
          .path(roleId)
          .path("Properties")
          .path("ManagedPolicyArns")
          .forEach(m -> managed.add(resolve(m).asText()));
      String roleName = physicalName(roleId);
      out.add(
          new Function(
              entry.getKey(),
              handler.substring(
                  0, handler.indexOf("::") < 0 ? handler.length() : handler.indexOf("::")),
              roleName,
              "arn:aws:iam::" + account + ":role/" + roleName,
              env,
              policies,
              managed));
    }
    return out;
  }

  /**
   * The identity policies attached to the role {@code roleId}: inline, each AWS::IAM::Policy that
   * lists it, and each customer managed policy of the template that lists it or that the role's
   * ManagedPolicyArns names (CDK moves statements there when a role's policy outgrows IAM's size
   * limit: its "OverflowPolicy").
   */
  public Map<String, JsonNode> policiesOf(String roleId) {
    Map<String, JsonNode> policies = new LinkedHashMap<>();
    resources
        .path(roleId)
        .path("Properties")
        .path("Policies")
        .forEach(
            p -> policies.put(p.path("PolicyName").asText(), resolve(p.path("PolicyDocument"))));
    for (Iterator<Map.Entry<String, JsonNode>> ps = resources.fields(); ps.hasNext(); ) {
      Map.Entry<String, JsonNode> policy = ps.next();
      JsonNode pp = policy.getValue().path("Properties");
      String type = policy.getValue().path("Type").asText();
      if (type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy")) {
        for (JsonNode r : pp.path("Roles")) {
          if (r.path("Ref").asText().equals(roleId)) {
            policies.put(policy.getKey(), resolve(pp.path("PolicyDocument")));
          }
        }
      }
    }
    for (JsonNode arn : resources.path(roleId).path("Properties").path("ManagedPolicyArns")) {
      String id = arn.path("Ref").asText("");
      JsonNode managed = resources.path(id);
      if (managed.path("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
        policies.put(id, resolve(managed.path("Properties").path("PolicyDocument")));
      }
    }
    return policies;
  }

  /** A CodeBuild project as the template defines it. */
  public record Project(
      String name,
      String buildspec,
      Map<String, String> environment,
      String roleId,
      String roleName,
      String roleArn,
      int timeoutMinutes) {}

  /** Every CodeBuild project with an inline buildspec, by name. */
  public Map<String, Project> projects() {
    Map<String, Project> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().path("Type").asText().equals("AWS::CodeBuild::Project")) {
        continue;
      }
      JsonNode props = entry.getValue().path("Properties");
      Map<String, String> env = new LinkedHashMap<>();
      for (JsonNode variable : props.path("Environment").path("EnvironmentVariables")) {
        env.put(variable.path("Name").asText(), resolve(variable.path("Value")).asText());
      }
      String roleId = props.path("ServiceRole").path("Fn::GetAtt").path(0).asText();
      String roleName = physicalName(roleId);
      String name = physicalName(entry.getKey());
      out.put(
          name,
          new Project(
              name,
              props.path("Source").path("BuildSpec").asText(),
              env,
              roleId,
              roleName,
              "arn:aws:iam::" + account + ":role/" + roleName,
              props.path("TimeoutInMinutes").asInt(60)));
    }
    return out;
  }

  /** The name a resource has here: its name property when the template sets one, else its id. */
  public String physicalName(String logicalId) {
    JsonNode resource = resources.path(logicalId);
    String property =
        switch (resource.path("Type").asText()) {
          case "AWS::S3::Bucket" -> "BucketName";
          case "AWS::ECR::Repository" -> "RepositoryName";
          case "AWS::CodeBuild::Project" -> "Name";
          case "AWS::SQS::Queue" -> "QueueName";
          case "AWS::IAM::Role" -> "RoleName";
          case "AWS::Lambda::Function" -> "FunctionName";
          case "AWS::SNS::Topic" -> "TopicName";
          case "AWS::Events::Rule" -> "Name";
          default -> null;
        };
    JsonNode name = property == null ? null : resource.path("Properties").get(property);
    return name != null ? resolve(name).asText() : logicalId;
  }

  /** The template breaks a rule the local runtime enforces as AWS would; the message says which. */
  public static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }

  /** An SQS queue as the template declares it. */
  public record QueueSpec(
      String name, int visibilityTimeoutSeconds, String deadLetterQueue, int maxReceiveCount) {}

  /** An event rule's pattern and the queue it delivers to. */
  public record RuleSpec(String name, JsonNode pattern, String queue) {}

  /** An event source mapping: which function reads which queue, how many messages at a time. */
  public record MappingSpec(
      String queue, String function, int batchSize, boolean partialFailures) {}

  /**
   * Refuses, before anything starts, a template that breaks a rule the runtime enforces as AWS
   * would: a rule that invokes a Lambda directly, a mapping without partial batch failures or to a
   * function that is not a Slipway handler, no scheduled reconciler, a template or policy over
   * CloudFormation's or IAM's quotas ({@link TemplateQuotas}).
   */
  public void validate() {
    TemplateQuotas.check(template, this);
    queueRules();
    Set<String> handlers = new HashSet<>();
    functions().forEach(f -> handlers.add(f.logicalId()));
    for (MappingSpec mapping : mappings()) {
      if (!handlers.contains(mapping.function())) {
        throw new Refused(
            "the template maps queue "
                + mapping.queue()
                + " to "
                + mapping.function()
                + ", which is not a Slipway handler function");
      }
      if (!mapping.partialFailures()) {
        throw new Refused(
            "the template's mapping of "
                + mapping.queue()
                + " lacks ReportBatchItemFailures: one failed event would fail its whole batch");
      }
    }
    if (scheduleQueue().isEmpty()) {
      throw new Refused("the template has no scheduled reconciler delivering to a queue");
    }
  }

  /** Every queue, with its redrive policy (dead-letter queues first). */
  public List<QueueSpec> queues() {
    List<QueueSpec> out = new ArrayList<>();
    List<QueueSpec> withRedrive = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().path("Type").asText().equals("AWS::SQS::Queue")) {
        continue;
      }
      JsonNode props = entry.getValue().path("Properties");
      JsonNode redrive = props.path("RedrivePolicy");
      QueueSpec queue =
          new QueueSpec(
              physicalName(entry.getKey()),
              props.path("VisibilityTimeout").asInt(30),
              redrive.isMissingNode()
                  ? null
                  : physicalName(
                      redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText()),
              redrive.path("maxReceiveCount").asInt(0));
      (queue.deadLetterQueue() == null ? out : withRedrive).add(queue);
    }
    out.addAll(withRedrive);
    return out;
  }

  /** Every rule with an event pattern whose target is one of the template's queues. */
  public List<RuleSpec> queueRules() {
    List<RuleSpec> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode props = entry.getValue().path("Properties");
      if (!entry.getValue().path("Type").asText().equals("AWS::Events::Rule")
          || !props.has("EventPattern")) {
        continue;
      }
      for (JsonNode target : props.path("Targets")) {
        String queueId = target.path("Arn").path("Fn::GetAtt").path(0).asText();
        String targetId = queueId.isEmpty() ? target.path("Arn").path("Ref").asText() : queueId;
        String targetType = resources.path(targetId).path("Type").asText();
        if (targetType.startsWith("AWS::Lambda::")) {
          throw new Refused(
              "rule "
                  + entry.getKey()
                  + " invokes the Lambda "
                  + targetId
                  + " directly: a handler that fails an event gets two more tries and the event"
                  + " is dropped; target the function's queue (architecture §2)");
        }
        if (resources.path(queueId).path("Type").asText().equals("AWS::SQS::Queue")) {
          out.add(
              new RuleSpec(
                  physicalName(entry.getKey()),
                  resolve(props.path("EventPattern")),
                  physicalName(queueId)));
        }
      }
    }
    return out;
  }

  /** The queue the schedule rule (the reconciler's) delivers to, if any. */
  public Optional<String> scheduleQueue() {
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode props = entry.getValue().path("Properties");
      if (entry.getValue().path("Type").asText().equals("AWS::Events::Rule")
          && props.has("ScheduleExpression")) {
        for (JsonNode target : props.path("Targets")) {
          String queueId = target.path("Arn").path("Fn::GetAtt").path(0).asText();
          if (resources.path(queueId).path("Type").asText().equals("AWS::SQS::Queue")) {
            return Optional.of(physicalName(queueId));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Every SQS event source mapping, with the function (its logical id) it invokes. */
  public List<MappingSpec> mappings() {
    List<MappingSpec> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().path("Type").asText().equals("AWS::Lambda::EventSourceMapping")) {
        continue;
      }
      JsonNode props = entry.getValue().path("Properties");
      String queueId = props.path("EventSourceArn").path("Fn::GetAtt").path(0).asText();
      String function = resolve(props.path("FunctionName")).asText();
      if (function.startsWith("arn:")) {
        function = function.split(":")[6];
      }
      int colon = function.indexOf(':');
      boolean partial = false;
      for (JsonNode type : props.path("FunctionResponseTypes")) {
        partial |= type.asText().equals("ReportBatchItemFailures");
      }
      out.add(
          new MappingSpec(
              physicalName(queueId),
              colon < 0 ? function : function.substring(0, colon),
              props.path("BatchSize").asInt(10),
              partial));
    }
    return out;
  }

  /** What {@code Ref} of a resource gives (its name, or its ARN or URL where AWS says so). */
  private String ref(String logicalId) {
    String name = physicalName(logicalId);
    return switch (resources.path(logicalId).path("Type").asText()) {
      case "AWS::Lambda::Alias" ->
          "arn:aws:lambda:"
              + region
              + ":"
              + account
              + ":function:"
              + resolve(resources.path(logicalId).path("Properties").path("FunctionName")).asText()
              + ":"
              + resources.path(logicalId).path("Properties").path("Name").asText();
      case "AWS::SNS::Topic" -> "arn:aws:sns:" + region + ":" + account + ":" + name;
      case "AWS::SQS::Queue" -> "https://sqs." + region + ".amazonaws.com/" + account + "/" + name;
      default -> name;
    };
  }

  /**
   * A function URL: the function it invokes, its AuthType, and who its resource policy lets call it
   * through the URL: the principals of the {@code lambda:InvokeFunctionUrl} permissions for its
   * AuthType, and of the {@code lambda:InvokeFunction} permissions limited to URL calls (since
   * October 2025 Lambda asks for both).
   */
  public record UrlSpec(
      String function,
      String authType,
      List<String> urlPrincipals,
      List<String> invokePrincipals) {}

  /** Every function URL in the template. */
  public List<UrlSpec> functionUrls() {
    List<UrlSpec> out = new ArrayList<>();
    for (var entry : (Iterable<Map.Entry<String, JsonNode>>) resources::fields) {
      JsonNode resource = entry.getValue();
      if (!resource.path("Type").asText().equals("AWS::Lambda::Url")) {
        continue;
      }
      JsonNode props = resource.path("Properties");
      String function = props.path("TargetFunctionArn").path("Fn::GetAtt").path(0).asText();
      String authType = props.path("AuthType").asText();
      List<String> urlPrincipals = new ArrayList<>();
      List<String> invokePrincipals = new ArrayList<>();
      for (var candidate : (Iterable<Map.Entry<String, JsonNode>>) resources::fields) {
        JsonNode permission = candidate.getValue();
        if (!permission.path("Type").asText().equals("AWS::Lambda::Permission")
            || !function.equals(functionOf(permission.path("Properties").path("FunctionName")))) {
          continue;
        }
        JsonNode p = permission.path("Properties");
        String principal = resolve(p.path("Principal")).asText();
        if (p.path("Action").asText().equals("lambda:InvokeFunctionUrl")
            && p.path("FunctionUrlAuthType").asText().equals(authType)) {
          urlPrincipals.add(principal);
        } else if (p.path("Action").asText().equals("lambda:InvokeFunction")
            && p.path("InvokedViaFunctionUrl").asBoolean(false)) {
          invokePrincipals.add(principal);
        }
      }
      out.add(new UrlSpec(function, authType, urlPrincipals, invokePrincipals));
    }
    return out;
  }

  /** The function a FunctionName names: a Ref to the function, or to one of its aliases. */
  private String functionOf(JsonNode name) {
    String ref = name.path("Ref").asText(name.path("Fn::GetAtt").path(0).asText());
    JsonNode target = resources.path(ref);
    if (target.path("Type").asText().equals("AWS::Lambda::Alias")) {
      return functionOf(target.path("Properties").path("FunctionName"));
    }
    return ref;
  }

  /** What {@code Fn::GetAtt [id, attribute]} gives here. */
  private String attribute(String logicalId, String attribute) {
    String name = physicalName(logicalId);
    String type = resources.path(logicalId).path("Type").asText();
    if (!attribute.equals("Arn")) {
      return switch (attribute) {
        case "QueueName", "RepositoryName" -> name;
        case "QueueUrl" -> ref(logicalId);
        default -> logicalId + "." + attribute;
      };
    }
    String prefix = ":" + region + ":" + account + ":";
    return switch (type) {
      case "AWS::S3::Bucket" -> "arn:aws:s3:::" + name;
      case "AWS::ECR::Repository" -> "arn:aws:ecr" + prefix + "repository/" + name;
      case "AWS::CodeBuild::Project" -> "arn:aws:codebuild" + prefix + "project/" + name;
      case "AWS::SQS::Queue" -> "arn:aws:sqs" + prefix + name;
      case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role/" + name;
      case "AWS::Lambda::Function" -> "arn:aws:lambda" + prefix + "function:" + name;
      case "AWS::KMS::Key" -> "arn:aws:kms" + prefix + "key/" + name;
      case "AWS::SNS::Topic" -> ref(logicalId);
      case "AWS::Events::Rule" -> "arn:aws:events" + prefix + "rule/" + name;
      default -> "arn:aws:cloudformation" + prefix + "unresolved/" + logicalId;
    };
  }

  /** Replaces Ref, Fn::GetAtt, Fn::Join, Fn::Select and Fn::Split with their values here. */
  public JsonNode resolve(JsonNode node) {
    var nodes = Json.mapper().getNodeFactory();
    if (node.isObject()) {
      if (node.has("Ref")) {
        String ref = node.get("Ref").asText();
        return switch (ref) {
          case "AWS::Partition" -> nodes.textNode("aws");
          case "AWS::Region" -> nodes.textNode(region);
          case "AWS::AccountId" -> nodes.textNode(account);
          case "AWS::URLSuffix" -> nodes.textNode("amazonaws.com");
          case "AWS::StackName" -> nodes.textNode("SlipwayPipeline");
          default -> nodes.textNode(ref(ref));
        };
      }
      if (node.has("Fn::GetAtt")) {
        JsonNode args = node.get("Fn::GetAtt");
        return nodes.textNode(attribute(args.get(0).asText(), args.get(1).asText()));
      }
      if (node.has("Fn::Join")) {
        List<String> parts = new ArrayList<>();
        resolve(node.get("Fn::Join").get(1)).forEach(part -> parts.add(part.asText()));
        return nodes.textNode(String.join(node.get("Fn::Join").get(0).asText(), parts));
      }
      if (node.has("Fn::Split")) {
        ArrayNode out = Json.mapper().createArrayNode();
        String separator = node.get("Fn::Split").get(0).asText();
        for (String part :
            resolve(node.get("Fn::Split").get(1)).asText().split(Pattern.quote(separator), -1)) {
          out.add(part);
        }
        return out;
      }
      if (node.has("Fn::Select")) {
        return resolve(node.get("Fn::Select").get(1)).get(node.get("Fn::Select").get(0).asInt());
      }
      ObjectNode out = Json.mapper().createObjectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), resolve(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.mapper().createArrayNode();
      node.forEach(n -> out.add(resolve(n)));
      return out;
    }
    return node;
  }
}
