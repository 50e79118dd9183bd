package dev.slipway.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A read-only view of one value in a JSON document that knows its own path. Every accessor either
 * returns a value of the asked type or throws {@link JsonProblem} naming the path; nothing else
 * escapes, whatever the document holds. A missing member and an explicit {@code null} are both
 * "absent".
 */
public final class JsonField {
  private final JsonNode node;
  private final String path;

  private JsonField(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The root of a document, at path {@code $}. */
  public static JsonField root(JsonNode node) {
    return new JsonField(node, "$");
  }

  /** A value at an explicit path (for documents nested inside strings, such as SQS bodies). */
  public static JsonField at(JsonNode node, String path) {
    return new JsonField(node, path);
  }

  public String path() {
    return path;
  }

  /** True when the value is missing or JSON {@code null}. */
  public boolean isAbsent() {
    return node == null || node.isNull() || node.isMissingNode();
  }

  public boolean isObject() {
    return !isAbsent() && node.isObject();
  }

  public boolean isArray() {
    return !isAbsent() && node.isArray();
  }

  public boolean isText() {
    return !isAbsent() && node.isTextual();
  }

  /** The underlying node, or null when absent; for callers that pass JSON through untouched. */
  public JsonNode node() {
    return isAbsent() ? null : node;
  }

  /**
   * The member {@code name} of this object. An absent object yields an absent member, so optional
   * branches can be walked without checks; a present value that is not an object is a problem.
   */
  public JsonField get(String name) {
    String childPath = path + memberPath(name);
    if (isAbsent()) {
      return new JsonField(null, childPath);
    }
    if (!node.isObject()) {
      throw problem("expected an object, got " + describe(node));
    }
    return new JsonField(node.get(name), childPath);
  }

  /** The first present member among {@code names} (for fields AWS spells more than one way). */
  public JsonField getEither(String... names) {
    JsonField first = null;
    for (String name : names) {
      JsonField field = get(name);
      if (!field.isAbsent()) {
        return field;
      }
      if (first == null) {
        first = field;
      }
    }
    return first;
  }

  /** A required string. */
  public String text() {
    requirePresent();
    if (!node.isTextual()) {
      throw problem("expected a string, got " + describe(node));
    }
    return node.textValue();
  }

  /** A required, non-blank string. */
  public String nonBlankText() {
    String value = text();
    if (value.isBlank()) {
      throw problem("must not be empty");
    }
    return value;
  }

  /** An optional string; null when absent. */
  public String textOrNull() {
    return isAbsent() ? null : text();
  }

  /** An optional string where AWS sends {@code ""} for "none": null when absent or empty. */
  public String textOrNullIfEmpty() {
    String value = textOrNull();
    return value == null || value.isEmpty() ? null : value;
  }

  /** A required whole number; AWS sometimes sends integral values as floats ({@code 60.0}). */
  public long longValue() {
    requirePresent();
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isFloatingPointNumber()) {
      double value = node.doubleValue();
      if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
        return (long) value;
      }
      throw problem("expected a whole number, got " + node.asText());
    }
    throw problem("expected a number, got " + describe(node));
  }

  /** An optional whole number; null when absent. */
  public Long longOrNull() {
    return isAbsent() ? null : longValue();
  }

  /** A required whole number that fits an int. */
  public int intValue() {
    long value = longValue();
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw problem("number " + value + " is out of range");
    }
    return (int) value;
  }

  /** An optional int; null when absent. */
  public Integer intOrNull() {
    return isAbsent() ? null : intValue();
  }

  /** A required boolean. */
  public boolean booleanValue() {
    requirePresent();
    if (!node.isBoolean()) {
      throw problem("expected true or false, got " + describe(node));
    }
    return node.booleanValue();
  }

  /** The elements of a required array. */
  public List<JsonField> elements() {
    requirePresent();
    if (!node.isArray()) {
      throw problem("expected an array, got " + describe(node));
    }
    List<JsonField> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new JsonField(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** The elements of an optional array; empty when absent. */
  public List<JsonField> elementsOrEmpty() {
    return isAbsent() ? List.of() : elements();
  }

  /** A required array of strings. */
  public List<String> texts() {
    return elements().stream().map(JsonField::text).toList();
  }

  /** An optional array of strings; empty when absent. */
  public List<String> textsOrEmpty() {
    return isAbsent() ? List.of() : texts();
  }

  /** The members of a required object, in document order. */
  public Map<String, JsonField> members() {
    requirePresent();
    if (!node.isObject()) {
      throw problem("expected an object, got " + describe(node));
    }
    Map<String, JsonField> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), new JsonField(e.getValue(), path + memberPath(e.getKey())));
    }
    return out;
  }

  /** The members of an optional object; empty when absent. */
  public Map<String, JsonField> membersOrEmpty() {
    return isAbsent() ? Map.of() : members();
  }

  /** Requires this value to be an object (for objects whose members are read lazily). */
  public JsonField requireObject() {
    requirePresent();
    if (!node.isObject()) {
      throw problem("expected an object, got " + describe(node));
    }
    return this;
  }

  /** A problem at this value's path. */
  public JsonProblem problem(String message) {
    return new JsonProblem(path, message);
  }

  private void requirePresent() {
    if (node == null || node.isMissingNode()) {
      throw problem("required field is missing");
    }
    if (node.isNull()) {
      throw problem("required field is null");
    }
  }

  /** A short description of a value's type for messages: "a number (5)", "an array". */
  public static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case STRING -> "a string";
      case NUMBER -> "a number (" + node.asText() + ")";
      case BOOLEAN -> "a boolean (" + node.asText() + ")";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NULL -> "null";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }

  /** {@code .name} for plain names, {@code ["odd name"]} for anything else. */
  static String memberPath(String name) {
    if (!name.isEmpty() && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
      return "." + name;
    }
    StringBuilder quoted = new StringBuilder("[\"");
    for (char c : name.toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append("\"]").toString();
  }

  /** A value for a message: quoted, control characters escaped, cut at 80 characters. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(value.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > limit) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
