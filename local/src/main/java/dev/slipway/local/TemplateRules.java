package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads what the local runtime installs from the CDK app's synthesized template (not from a second
 * copy): the event rules' patterns, the bucket and repository names, and the handlers' environment,
 * with CloudFormation's intrinsics replaced by the values they have in this account and region.
 */
public final class TemplateRules {
  private final JsonNode resources;
  private final String account;
  private final String region;

  public TemplateRules(JsonNode template, String account, String region) {
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

  /** Replaces Ref, Fn::GetAtt and Fn::Join with their values here. */
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
          default ->
              nodes.textNode(resources.path(ref).path("Properties").path("BucketName").asText(ref));
        };
      }
      if (node.has("Fn::GetAtt")) {
        String resource = node.get("Fn::GetAtt").get(0).asText();
        String name =
            resources.path(resource).path("Properties").path("RepositoryName").asText(resource);
        return nodes.textNode("arn:aws:ecr:" + region + ":" + account + ":repository/" + name);
      }
      if (node.has("Fn::Join")) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode part : node.get("Fn::Join").get(1)) {
          joined.append(resolve(part).asText());
        }
        return nodes.textNode(joined.toString());
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
