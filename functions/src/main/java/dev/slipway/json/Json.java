package dev.slipway.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one place JSON is configured: strict (duplicate keys, trailing tokens and NaN are errors),
 * bounded (nesting depth, string and number lengths), so untrusted documents cannot exhaust memory
 * or smuggle a second value past the reader.
 */
public final class Json {
  /** Deepest nesting accepted; real AWS events stay well under 20. */
  public static final int MAX_DEPTH = 64;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(1 << 20)
                .maxNumberLength(64)
                .build());
  }

  private Json() {}

  /** The shared, immutable-once-configured mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses one JSON document, or throws {@link JsonProblem} at {@code path} with the reader's
   * message (line and column, no stack trace).
   */
  public static JsonNode parse(String text, String path) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new JsonProblem(path, "not JSON: the input is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new JsonProblem(path, "not JSON: " + describe(e));
    }
  }

  /** Jackson's message without the source excerpt, with line and column. */
  public static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    var location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      message += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
    return message;
  }

  /** A parser over a stream of concatenated or newline-separated documents. */
  public static JsonParser streamParser(String text) throws IOException {
    return MAPPER.getFactory().createParser(text);
  }
}
