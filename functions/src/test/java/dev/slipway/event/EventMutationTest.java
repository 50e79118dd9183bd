package dev.slipway.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Removing, retyping or renaming any field of any sample yields a typed value, "ignored", or the
 * parser's own malformed result, never another exception; removing or retyping a required field
 * yields "malformed" at exactly that field's path.
 */
class EventMutationTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<Sample> SAMPLES = loadSamples();

  /** One way to damage a value. */
  enum Mutation {
    REMOVE,
    RENAME,
    TO_STRING,
    TO_EMPTY_STRING,
    TO_INT,
    TO_NEGATIVE,
    TO_FLOAT,
    TO_HUGE_NUMBER,
    TO_BOOLEAN,
    TO_NULL,
    TO_ARRAY,
    TO_OBJECT
  }

  record Sample(String name, JsonNode tree, List<JsonPointer> pointers) {}

  private static List<Sample> loadSamples() {
    List<Sample> out = new ArrayList<>();
    List<Path> dirs = new ArrayList<>(List.of(Samples.projectEvents()));
    if (Samples.sharedEvents() != null) {
      dirs.add(Samples.sharedEvents());
    }
    for (Path dir : dirs) {
      for (Path rel : Samples.jsonFiles(dir)) {
        JsonNode tree;
        try {
          tree = Json.mapper().readTree(Samples.read(dir.resolve(rel)));
        } catch (Exception notJson) {
          continue; // the deliberately truncated sample
        }
        List<JsonPointer> pointers = new ArrayList<>();
        collect(tree, JsonPointer.empty(), pointers);
        out.add(new Sample(rel.toString(), tree, pointers));
      }
    }
    return out;
  }

  private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> out) {
    if (node.isObject()) {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        JsonPointer child = at.appendProperty(name);
        out.add(child);
        collect(node.get(name), child, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonPointer child = at.appendIndex(i);
        out.add(child);
        collect(node.get(i), child, out);
      }
    }
  }

  static JsonNode mutate(JsonNode tree, JsonPointer pointer, Mutation mutation) {
    JsonNode copy = tree.deepCopy();
    JsonNode parent = copy.at(pointer.head());
    String last = pointer.last().getMatchingProperty();
    int index = pointer.last().getMatchingIndex();
    JsonNode replacement =
        switch (mutation) {
          case REMOVE, RENAME -> null;
          case TO_STRING -> NODES.textNode("mutated");
          case TO_EMPTY_STRING -> NODES.textNode("");
          case TO_INT -> NODES.numberNode(7);
          case TO_NEGATIVE -> NODES.numberNode(-3);
          case TO_FLOAT -> NODES.numberNode(1.5);
          case TO_HUGE_NUMBER -> NODES.numberNode(new java.math.BigInteger("9".repeat(40)));
          case TO_BOOLEAN -> NODES.booleanNode(true);
          case TO_NULL -> NODES.nullNode();
          case TO_ARRAY -> NODES.arrayNode().add("x");
          case TO_OBJECT -> NODES.objectNode().put("x", 1);
        };
    if (parent instanceof ObjectNode object) {
      JsonNode old = object.remove(last);
      if (mutation == Mutation.RENAME) {
        object.set(last + "_renamed", old);
      } else if (replacement != null) {
        object.set(last, replacement);
      }
    } else if (parent instanceof ArrayNode array && index >= 0) {
      if (replacement == null) {
        array.remove(index);
      } else {
        array.set(index, replacement);
      }
    }
    return copy;
  }

  private static void assertParsesToAResult(JsonNode mutated, String what) {
    List<ParseResult> results = new EventParser().parse(mutated.toString());
    assertThat(results).as(what).isNotNull();
    for (ParseResult result : results) {
      assertThat(result).as(what).isNotNull();
      if (result instanceof ParseResult.Malformed malformed) {
        assertThat(malformed.path()).as(what).startsWith("$");
        assertThat(malformed.problem()).as(what).isNotBlank();
      } else if (result instanceof ParseResult.Parsed parsed) {
        assertThat(EventView.of(parsed)).as(what).isNotNull();
      }
    }
  }

  @Test
  void everySingleMutationOfEverySample_givesAResultNeverAnException() {
    int tried = 0;
    for (Sample sample : SAMPLES) {
      for (JsonPointer pointer : sample.pointers()) {
        for (Mutation mutation : Mutation.values()) {
          assertParsesToAResult(
              mutate(sample.tree(), pointer, mutation),
              sample.name() + " " + pointer + " " + mutation);
          tried++;
        }
      }
    }
    assertThat(tried).isGreaterThan(10_000);
  }

  @Property(tries = 1500)
  void anyCombinationOfMutations_givesAResultNeverAnException(
      @ForAll("samples") Sample sample,
      @ForAll("damages") List<Tuple.Tuple2<Integer, Mutation>> damage) {
    JsonNode tree = sample.tree();
    StringBuilder what = new StringBuilder(sample.name());
    for (Tuple.Tuple2<Integer, Mutation> d : damage) {
      List<JsonPointer> pointers = new ArrayList<>();
      collect(tree, JsonPointer.empty(), pointers);
      if (pointers.isEmpty()) {
        break;
      }
      JsonPointer pointer = pointers.get(d.get1() % pointers.size());
      tree = mutate(tree, pointer, d.get2());
      what.append(' ').append(pointer).append(' ').append(d.get2());
    }
    assertParsesToAResult(tree, what.toString());
  }

  @Provide
  Arbitrary<Sample> samples() {
    return Arbitraries.of(SAMPLES);
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<Integer, Mutation>>> damages() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 1_000_000), Arbitraries.of(Mutation.class))
        .as(Tuple::of)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  /** Fields without which an event of a kind cannot be used, as JSON pointers into the envelope. */
  private static final Map<String, List<String>> REQUIRED =
      Map.ofEntries(
          Map.entry("s3.object-created", List.of("/detail/bucket/name", "/detail/object/key")),
          Map.entry(
              "ecr.image-action",
              List.of("/detail/action-type", "/detail/result", "/detail/repository-name")),
          Map.entry(
              "ecr.image-scan",
              List.of("/detail/scan-status", "/detail/repository-name", "/detail/image-digest")),
          Map.entry(
              "inspector2.scan",
              List.of("/detail/scan-status", "/detail/repository-name", "/detail/image-digest")),
          Map.entry(
              "inspector2.finding",
              List.of("/detail/findingArn", "/detail/severity", "/detail/status", "/detail/type")),
          Map.entry(
              "codebuild.build-state",
              List.of("/detail/project-name", "/detail/build-id", "/detail/build-status")),
          Map.entry(
              "codebuild.phase-change",
              List.of("/detail/project-name", "/detail/build-id", "/detail/completed-phase")),
          Map.entry("ecs.deployment-state", List.of("/detail/eventName", "/detail/deploymentId")),
          Map.entry("ecs.service-action", List.of("/detail/eventName")),
          Map.entry("ecs.task-state", List.of("/detail/lastStatus")),
          Map.entry("cloudwatch.alarm-state", List.of("/detail/alarmName", "/detail/state/value")));

  @Test
  void removingOrRetypingARequiredField_isMalformedAtThatPath() {
    int checked = 0;
    for (Sample sample : SAMPLES) {
      if (!sample.tree().has("detail-type")) {
        continue; // classic notifications and SQS wrappers have their own shapes
      }
      List<ParseResult> original = new EventParser().parse(sample.tree().toString());
      if (original.size() != 1 || !(original.get(0) instanceof ParseResult.Parsed parsed)) {
        continue;
      }
      List<String> required = new ArrayList<>(List.of("/source", "/detail-type", "/detail"));
      required.addAll(
          REQUIRED.getOrDefault(
              parsed.event().kind(),
              parsed.event() instanceof SlipwayEvent
                  ? List.of("/detail/service", "/detail/releaseId")
                  : List.of()));
      for (String field : required) {
        JsonPointer pointer = JsonPointer.compile(field);
        for (Mutation mutation : List.of(Mutation.REMOVE, Mutation.TO_INT, Mutation.TO_ARRAY)) {
          List<ParseResult> results =
              new EventParser().parse(mutate(sample.tree(), pointer, mutation).toString());
          assertThat(results)
              .as("%s with %s %s", sample.name(), field, mutation)
              .singleElement()
              .isInstanceOfSatisfying(
                  ParseResult.Malformed.class,
                  m -> assertThat(m.path()).isEqualTo(jsonPath(field)));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(300);
  }

  /** {@code /detail/image-digest} as the parser spells it: {@code $.detail["image-digest"]}. */
  static String jsonPath(String pointer) {
    StringBuilder out = new StringBuilder("$");
    for (String segment : pointer.substring(1).split("/")) {
      out.append(segment.matches("[A-Za-z0-9_]+") ? "." + segment : "[\"" + segment + "\"]");
    }
    return out.toString();
  }
}
