package dev.slipway.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

/**
 * The flat JSON view of a parsed event that `slipway event inspect` prints: {@code "kind"} first,
 * then the kind's fields in a fixed order, absent values as {@code null}. It is also the golden
 * form the tests compare, so a change here is a change to a documented output.
 */
public final class EventView {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EventView() {}

  /** The view of a typed or ignored event; malformed results have no view (they are errors). */
  public static ObjectNode of(ParseResult result) {
    if (result instanceof ParseResult.Parsed parsed) {
      return of(parsed.event());
    }
    if (result instanceof ParseResult.Ignored ignored) {
      ObjectNode out = NODES.objectNode();
      out.put("kind", "ignored");
      out.put("source", ignored.source());
      out.put("detailType", ignored.detailType());
      return out;
    }
    throw new IllegalArgumentException("a malformed result has no view: " + result);
  }

  /**
   * The view of one typed event: its record's components in declaration order (the record is the
   * schema; {@code meta} and the kind are not repeated), nested records and lists as JSON.
   * Slipway's own events print their detail's members after service and release id.
   */
  public static ObjectNode of(PipelineEvent event) {
    ObjectNode out = NODES.objectNode();
    out.put("kind", event.kind());
    if (event instanceof SlipwayEvent e) {
      out.put("service", e.service());
      out.put("releaseId", e.releaseId());
      for (Map.Entry<String, JsonNode> field : e.detail().properties()) {
        if (!field.getKey().equals("service") && !field.getKey().equals("releaseId")) {
          out.set(field.getKey(), field.getValue());
        }
      }
      return out;
    }
    components((Record) event, out);
    return out;
  }

  private static void components(Record record, ObjectNode out) {
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      String name = component.getName();
      if (name.equals("meta") || name.equals("eventKind")) {
        continue;
      }
      Object value;
      try {
        value = component.getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + name + " of " + record, e);
      }
      out.set(name, value(value));
    }
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof SeverityCounts counts) {
      ObjectNode node = NODES.objectNode();
      counts.counts().forEach(node::put);
      return node;
    }
    if (value instanceof Record nested) {
      ObjectNode node = NODES.objectNode();
      components(nested, node);
      return node;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = NODES.arrayNode();
      list.forEach(element -> array.add(value(element)));
      return array;
    }
    if (value instanceof Long number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Integer number) {
      return NODES.numberNode(number);
    }
    return NODES.textNode(value.toString());
  }
}
