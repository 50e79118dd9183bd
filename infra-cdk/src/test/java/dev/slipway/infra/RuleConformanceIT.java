package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.Emulator;
import dev.slipway.event.EventKind;
import dev.slipway.event.EventParser;
import dev.slipway.event.ParseResult;
import dev.slipway.event.RuleContext;
import dev.slipway.event.Step;
import dev.slipway.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Every synthesized rule's pattern, installed in the emulator's EventBridge with an SQS target
 * (moto implements no TestEventPattern and cannot deliver to Lambda), then every sample in {@code
 * events/} put on the bus: each must reach exactly the rule meant for it, and the events that must
 * start nothing (an ECR DELETE, a push to another repository, an upload outside sources/, a build
 * of another project, ...) must reach none.
 */
class RuleConformanceIT {
  static final Path EVENTS = Path.of(System.getProperty("slipway.root", "..")).resolve("events");

  @RegisterExtension static final Emulator emulator = new Emulator(Stacks.REGION);

  /**
   * The samples of kinds a step acts on that must reach no rule: an ECR DELETE, a push to another
   * repository, an upload outside sources/, a build of another project, a build's or a deployment's
   * start, an alarm leaving ALARM... Every other sample must reach exactly its kind's rule, by the
   * registry ({@link EventKind#rule}); samples of kinds no step acts on reach none.
   */
  static final Set<String> MUST_REACH_NONE =
      Set.of(
          "cloudwatch/alarm-5xx-back-to-ok.json",
          "codebuild/build-state-in-progress.json",
          "codebuild/build-state-other-project.json",
          "ecr/image-action-delete.json",
          "ecr/image-action-push-failed.json",
          "ecr/image-action-push-other-repository.json",
          "ecs/deployment-in-progress.json",
          "s3/object-created-outside-sources.json");

  /** The rule the registry routes a sample to in a stack, or "none". */
  static String expectedRule(Path sample, RuleContext stack) throws Exception {
    String name = EVENTS.relativize(sample).toString();
    List<ParseResult> parsed = new EventParser().parse(Files.readString(sample));
    if (MUST_REACH_NONE.contains(name)
        || parsed.size() != 1
        || !(parsed.get(0) instanceof ParseResult.Parsed event)) {
      return "none";
    }
    EventKind kind = event.event().eventKind();
    return kind.rulePattern(stack).isPresent() ? kind.rule() : "none";
  }

  @Test
  void everySample_reachesExactlyTheRuleMeantForIt() throws Exception {
    assertRoutes(false, "basic");
  }

  @Test
  void enhancedScanning_routesInspectorScansByRepositoryArn() throws Exception {
    Map<String, String> actual = assertRoutes(true, "enhanced");
    assertThat(actual)
        .containsEntry("inspector2/scan-initial-complete.json", "Scan")
        .containsEntry("ecr/image-scan-complete-clean.json", "none");
  }

  /**
   * Delivers every sample through the stack's rules and compares with the registry; and every kind
   * routed in the stack has a sample that reaches its rule (a kind added without one fails here).
   */
  private Map<String, String> assertRoutes(boolean enhanced, String prefix) throws Exception {
    SlipwayPipelineStack pipeline = Stacks.pipeline(new App(), enhanced);
    Map<String, String> actual = deliver(Template.fromStack(pipeline), prefix);
    RuleContext stack = pipeline.ruleContext();
    Map<String, String> expected = new TreeMap<>();
    for (String sample : actual.keySet()) {
      expected.put(sample, expectedRule(EVENTS.resolve(sample), stack));
    }
    assertThat(actual).hasSizeGreaterThan(20).isEqualTo(expected);
    for (EventKind kind : EventKind.values()) {
      if (kind.rulePattern(stack).isPresent()) {
        assertThat(actual.values()).as("a sample routed to %s's rule", kind).contains(kind.rule());
      }
    }
    return actual;
  }

  /** Installs the template's rules and returns, per sample, the rules that received it. */
  private Map<String, String> deliver(Template template, String prefix) throws Exception {
    JsonNode resources = Json.mapper().valueToTree(template.toJSON()).get("Resources");
    Map<String, String> queueByRule = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      var entry = it.next();
      JsonNode resource = entry.getValue();
      if (!resource.path("Type").asText().equals("AWS::Events::Rule")
          || !resource.path("Properties").has("EventPattern")) {
        continue;
      }
      String target =
          resource.path("Properties").path("Targets").path(0).path("Arn").path("Ref").asText();
      if (resources.path(target).path("Type").asText().equals("AWS::SNS::Topic")) {
        continue; // the release notifications' rules: to people, not to a step (PipelineStackTest)
      }
      String name =
          resource.path("Properties").path("Description").asText().replace("Slipway: ", "");
      String ruleName = prefix + "-" + name;
      String queue = emulator.sqs().createQueue(r -> r.queueName(ruleName)).queueUrl();
      String pattern =
          resolve(resource.path("Properties").path("EventPattern"), resources).toString();
      emulator.aws().events().putRule(r -> r.name(ruleName).eventPattern(pattern));
      emulator
          .aws()
          .events()
          .putTargets(
              r ->
                  r.rule(ruleName)
                      .targets(
                          t ->
                              t.id("q")
                                  .arn(
                                      "arn:aws:sqs:"
                                          + Stacks.REGION
                                          + ":123456789012:"
                                          + ruleName)));
      queueByRule.put(name, queue);
    }
    assertThat(queueByRule).doesNotContainKey(Step.APPROVAL.functionName());

    Map<String, String> keyToSample = new HashMap<>();
    List<Path> samples;
    try (Stream<Path> files = Files.walk(EVENTS)) {
      samples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : samples) {
      JsonNode event;
      try {
        event = Json.parse(Files.readString(file), "$");
      } catch (RuntimeException malformed) {
        continue;
      }
      if (!event.has("detail-type")
          || !event.path("detail").isObject()
          || file.toString().contains("/malformed/")) {
        continue; // classic S3 and SQS shapes never reach EventBridge rules
      }
      String sample = EVENTS.relativize(file).toString();
      String marker = "slipway-conformance-" + keyToSample.size();
      ObjectNode detail = (ObjectNode) event.get("detail").deepCopy();
      List<String> resourceList = new ArrayList<>();
      event.path("resources").forEach(r -> resourceList.add(r.asText()));
      keyToSample.put(marker, sample);
      var response =
          emulator
              .aws()
              .events()
              .putEvents(
                  r ->
                      r.entries(
                          PutEventsRequestEntry.builder()
                              .source(event.path("source").asText())
                              .detailType(event.path("detail-type").asText())
                              .resources(resourceList)
                              .detail(withMarker(detail, marker).toString())
                              .build()));
      assertThat(response.failedEntryCount()).as("PutEvents of %s", sample).isZero();
    }

    Map<String, TreeSet<String>> reached = new TreeMap<>();
    keyToSample.values().forEach(s -> reached.put(s, new TreeSet<>()));
    for (var rule : queueByRule.entrySet()) {
      for (Message m : drain(rule.getValue())) {
        String marker =
            Json.parse(m.body(), "$").path("detail").path("slipwayConformanceMarker").asText();
        reached.get(keyToSample.get(marker)).add(rule.getKey());
      }
    }
    Map<String, String> out = new TreeMap<>();
    reached.forEach(
        (sample, rules) -> out.put(sample, rules.isEmpty() ? "none" : String.join("+", rules)));
    return out;
  }

  /** Adds a field no pattern mentions, so each delivered copy names its sample. */
  private static ObjectNode withMarker(ObjectNode detail, String marker) {
    detail.put("slipwayConformanceMarker", marker);
    return detail;
  }

  private static List<Message> drain(String queue) {
    List<Message> all = new ArrayList<>();
    while (true) {
      var batch =
          emulator
              .sqs()
              .receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
      batch.forEach(
          m ->
              emulator
                  .sqs()
                  .deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle())));
    }
  }

  /** Replaces CloudFormation intrinsics in a pattern with the values they have in this account. */
  static JsonNode resolve(JsonNode node, JsonNode resources) {
    if (node.isObject()) {
      if (node.has("Ref")) {
        String ref = node.get("Ref").asText();
        return switch (ref) {
          case "AWS::Partition" -> Json.mapper().getNodeFactory().textNode("aws");
          case "AWS::Region" -> Json.mapper().getNodeFactory().textNode(Stacks.REGION);
          case "AWS::AccountId" -> Json.mapper().getNodeFactory().textNode(Stacks.ACCOUNT);
          default ->
              Json.mapper()
                  .getNodeFactory()
                  .textNode(resources.path(ref).path("Properties").path("BucketName").asText(ref));
        };
      }
      if (node.has("Fn::GetAtt")) {
        String resource = node.get("Fn::GetAtt").get(0).asText();
        String name = resources.path(resource).path("Properties").path("RepositoryName").asText();
        return Json.mapper()
            .getNodeFactory()
            .textNode(
                "arn:aws:ecr:" + Stacks.REGION + ":" + Stacks.ACCOUNT + ":repository/" + name);
      }
      if (node.has("Fn::Join")) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode part : node.get("Fn::Join").get(1)) {
          joined.append(resolve(part, resources).asText());
        }
        return Json.mapper().getNodeFactory().textNode(joined.toString());
      }
      ObjectNode out = Json.mapper().createObjectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), resolve(e.getValue(), resources)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.mapper().createArrayNode();
      node.forEach(n -> out.add(resolve(n, resources)));
      return out;
    }
    return node;
  }
}
