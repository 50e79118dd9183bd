package dev.slipway.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import dev.slipway.json.JsonField;
import dev.slipway.json.JsonProblem;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one parser for every event the pipeline reads. It accepts an EventBridge event, a classic S3
 * {@code Records} notification, an SQS message or batch whose bodies are either of those (how the
 * local dispatcher and DLQ redrives deliver), or a JSON array of any of them; it returns one {@link
 * ParseResult} per event, never throws for bad input, and never lets a {@code Map} of raw JSON past
 * this package.
 *
 * <p>Field spellings follow what AWS sends, not one idealised schema: {@code etag} (EventBridge)
 * and {@code eTag} (classic), repository ARNs (Inspector) and names (ECR), integral floats ({@code
 * 60.0}), empty strings for "none" ({@code image-tag}, {@code versionId}), and severity counts
 * present only when non-zero.
 */
public final class EventParser {
  /** EventBridge's maximum event size; a larger input cannot be a real event. */
  public static final int MAX_EVENT_BYTES = 256 * 1024;

  /** How deep deliveries may nest (an SQS body holding an S3 notification is depth 2). */
  private static final int MAX_WRAPPING = 3;

  private final Map<String, EventKind> kinds = new LinkedHashMap<>();

  public EventParser() {
    for (EventKind kind : EventKind.values()) {
      for (String detailType : kind.detailTypes()) {
        kinds.put(key(kind.source(), detailType), kind);
      }
    }
  }

  /**
   * Parses one delivery given as text (a Lambda payload, an SQS body, a file holding one event).
   */
  public List<ParseResult> parse(String json) {
    return parseText(json, "$", 0);
  }

  /**
   * Parses a stream of JSON documents (concatenated or one per line), as `slipway event inspect`
   * reads them; each document is limited to {@link #MAX_EVENT_BYTES}. A syntax error ends the
   * stream with a malformed result, because nothing after it can be trusted to start a document.
   */
  public List<ParseResult> parseStream(String text) {
    List<ParseResult> results = new ArrayList<>();
    try (JsonParser parser = Json.streamParser(text)) {
      int document = 0;
      while (true) {
        JsonToken token;
        try {
          token = parser.nextToken();
        } catch (JsonProcessingException e) {
          results.add(malformed(document + 1, "$", "not JSON: " + Json.describe(e)));
          return results;
        }
        if (token == null) {
          break;
        }
        document++;
        int start = (int) parser.currentTokenLocation().getCharOffset();
        try {
          parser.skipChildren();
        } catch (JsonProcessingException e) {
          results.add(malformed(document, "$", "not JSON: " + Json.describe(e)));
          return results;
        }
        int end = (int) parser.currentLocation().getCharOffset();
        for (ParseResult result : parseText(text.substring(start, end), "$", 0)) {
          results.add(
              document > 1 && result instanceof ParseResult.Malformed m
                  ? malformed(document, m.path(), m.problem())
                  : result);
        }
      }
      if (document == 0) {
        results.add(new ParseResult.Malformed("$", "not JSON: the input is empty"));
      }
    } catch (IOException e) {
      results.add(new ParseResult.Malformed("$", "unreadable input: " + e.getMessage()));
    }
    return results;
  }

  /** Parses an already-read document (for callers that hold a tree). */
  public List<ParseResult> parse(JsonNode root) {
    List<ParseResult> out = new ArrayList<>();
    delivery(JsonField.root(root), 0, out);
    return out;
  }

  private static ParseResult.Malformed malformed(int document, String path, String problem) {
    return new ParseResult.Malformed(
        document > 1 ? "document " + document + " " + path : path, problem);
  }

  private List<ParseResult> parseText(String json, String path, int depth) {
    List<ParseResult> out = new ArrayList<>();
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_EVENT_BYTES) {
      out.add(
          new ParseResult.Malformed(
              path,
              "event is "
                  + bytes
                  + " bytes; the limit is "
                  + MAX_EVENT_BYTES
                  + " (256 KiB, the EventBridge maximum)"));
      return out;
    }
    JsonNode root;
    try {
      root = Json.parse(json, path);
    } catch (JsonProblem e) {
      out.add(new ParseResult.Malformed(e.path(), e.problem()));
      return out;
    }
    delivery(JsonField.at(root, path), depth, out);
    return out;
  }

  /** Works out what kind of delivery {@code doc} is and adds one result per event it carries. */
  private void delivery(JsonField doc, int depth, List<ParseResult> out) {
    try {
      if (doc.isArray()) {
        for (JsonField element : doc.elements()) {
          delivery(element, depth, out);
        }
        return;
      }
      if (!doc.isObject()) {
        throw doc.problem("not an event: expected a JSON object, got " + describe(doc));
      }
      if (isEnvelope(doc)) {
        out.add(envelope(doc));
      } else if (!doc.get("Records").isAbsent()) {
        for (JsonField record : doc.get("Records").elements()) {
          record(record, depth, out);
        }
      } else if (!doc.get("body").isAbsent() && !doc.get("messageId").isAbsent()) {
        sqsBody(doc, depth, out);
      } else if (doc.get("Event").isText() && "s3:TestEvent".equals(doc.get("Event").text())) {
        // S3 sends this once when a notification target is configured.
        out.add(new ParseResult.Ignored("aws.s3", "s3:TestEvent"));
      } else {
        throw doc.problem(
            "not an event: expected an EventBridge event (source, detail-type, detail), an S3"
                + " notification (Records) or an SQS message (messageId, body)");
      }
    } catch (JsonProblem e) {
      out.add(new ParseResult.Malformed(e.path(), e.problem()));
    }
  }

  private static boolean isEnvelope(JsonField doc) {
    return !doc.get("detail-type").isAbsent()
        || !doc.get("source").isAbsent()
        || !doc.get("detail").isAbsent();
  }

  private void record(JsonField record, int depth, List<ParseResult> out) {
    try {
      record.requireObject();
      String eventSource = record.getEither("eventSource", "EventSource").textOrNull();
      if ("aws:sqs".equals(eventSource)) {
        sqsBody(record, depth, out);
      } else if ("aws:s3".equals(eventSource)) {
        out.add(s3Record(record));
      } else if (eventSource == null) {
        throw record.get("eventSource").problem("required field is missing");
      } else {
        out.add(new ParseResult.Ignored(eventSource, record.get("eventName").textOrNull()));
      }
    } catch (JsonProblem e) {
      out.add(new ParseResult.Malformed(e.path(), e.problem()));
    }
  }

  private void sqsBody(JsonField message, int depth, List<ParseResult> out) {
    JsonField body = message.get("body");
    String text = body.text();
    if (depth + 1 > MAX_WRAPPING) {
      throw body.problem("deliveries nested more than " + MAX_WRAPPING + " deep");
    }
    out.addAll(parseText(text, body.path(), depth + 1));
  }

  private ParseResult envelope(JsonField e) {
    String source = e.get("source").nonBlankText();
    String detailType = e.get("detail-type").nonBlankText();
    EventKind kind = kinds.get(key(source, detailType));
    if (kind == null) {
      return new ParseResult.Ignored(source, detailType);
    }
    EventMeta meta =
        new EventMeta(
            e.get("id").textOrNull(),
            source,
            detailType,
            time(e.get("time")),
            e.get("account").textOrNull(),
            e.get("region").textOrNull(),
            e.get("resources").textsOrEmpty());
    return new ParseResult.Parsed(kind.read(meta, e.get("detail").requireObject()));
  }

  private static String key(String source, String detailType) {
    return source + '\u0000' + detailType;
  }

  // ---- S3 classic notifications ----

  private static ParseResult s3Record(JsonField r) {
    String eventName = r.get("eventName").nonBlankText();
    if (!eventName.startsWith("ObjectCreated:")) {
      return new ParseResult.Ignored("aws:s3", eventName);
    }
    JsonField s3 = r.get("s3");
    String bucket = s3.get("bucket").get("name").nonBlankText();
    JsonField object = s3.get("object");
    JsonField rawKey = object.get("key");
    String key;
    try {
      // Classic notifications form-encode keys ("red flower.jpg" arrives as "red+flower.jpg").
      key = URLDecoder.decode(rawKey.nonBlankText(), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw rawKey.problem("not a URL-encoded key: " + JsonField.quote(rawKey.text()));
    }
    JsonField bucketArn = s3.get("bucket").get("arn");
    EventMeta meta =
        new EventMeta(
            null,
            "aws.s3",
            "Object Created",
            time(r.get("eventTime")),
            null,
            r.get("awsRegion").textOrNull(),
            bucketArn.isAbsent() ? List.of() : List.of(bucketArn.text()));
    return new ParseResult.Parsed(
        new S3ObjectCreated(
            meta,
            bucket,
            key,
            EventKind.nonNegative(object.get("size")),
            object.getEither("eTag", "etag").textOrNullIfEmpty(),
            object.getEither("versionId", "version-id").textOrNullIfEmpty(),
            s3Reason(eventName.substring("ObjectCreated:".length()))));
  }

  /** The API name EventBridge reports for a classic event name suffix. */
  private static String s3Reason(String suffix) {
    return switch (suffix) {
      case "Put" -> "PutObject";
      case "Post" -> "PostObject";
      case "Copy" -> "CopyObject";
      default -> suffix; // CompleteMultipartUpload is spelled the same in both
    };
  }

  // ---- shared ----

  private static Instant time(JsonField field) {
    String text = field.textOrNull();
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        throw field.problem("expected an ISO-8601 time, got " + JsonField.quote(text));
      }
    }
  }

  private static String describe(JsonField field) {
    return JsonField.describe(field.node());
  }
}
