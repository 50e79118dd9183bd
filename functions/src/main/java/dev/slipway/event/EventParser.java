package dev.slipway.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.function.BiFunction;

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

  private final Map<String, BiFunction<EventMeta, JsonField, PipelineEvent>> kinds =
      new LinkedHashMap<>();

  public EventParser() {
    kinds.put(key("aws.s3", "Object Created"), EventParser::s3ObjectCreated);
    kinds.put(key("aws.ecr", "ECR Image Action"), EventParser::ecrImageAction);
    kinds.put(key("aws.ecr", "ECR Image Scan"), EventParser::ecrImageScan);
    kinds.put(key("aws.inspector2", "Inspector2 Scan"), EventParser::inspectorScan);
    kinds.put(key("aws.inspector2", "Inspector2 Finding"), EventParser::inspectorFinding);
    kinds.put(key("aws.codebuild", "CodeBuild Build State Change"), EventParser::buildState);
    kinds.put(key("aws.codebuild", "CodeBuild Build Phase Change"), EventParser::phaseChange);
    kinds.put(key("aws.ecs", "ECS Deployment State Change"), EventParser::deploymentState);
    kinds.put(key("aws.ecs", "ECS Service Action"), EventParser::serviceAction);
    kinds.put(key("aws.ecs", "ECS Task State Change"), EventParser::taskState);
    kinds.put(key("aws.cloudwatch", "CloudWatch Alarm State Change"), EventParser::alarmState);
    for (SlipwayDetailType type : SlipwayDetailType.values()) {
      kinds.put(
          key(SlipwayDetailType.SOURCE, type.detailType()),
          (meta, detail) -> slipwayEvent(type, meta, detail));
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
    BiFunction<EventMeta, JsonField, PipelineEvent> kind = kinds.get(key(source, detailType));
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
    return new ParseResult.Parsed(kind.apply(meta, e.get("detail").requireObject()));
  }

  private static String key(String source, String detailType) {
    return source + '\u0000' + detailType;
  }

  // ---- S3 ----

  private static PipelineEvent s3ObjectCreated(EventMeta meta, JsonField d) {
    JsonField object = d.get("object");
    return new S3ObjectCreated(
        meta,
        d.get("bucket").get("name").nonBlankText(),
        // EventBridge sends the key as stored; only classic notifications URL-encode it.
        object.get("key").nonBlankText(),
        nonNegative(object.get("size")),
        object.getEither("etag", "eTag").textOrNullIfEmpty(),
        object.getEither("version-id", "versionId").textOrNullIfEmpty(),
        d.get("reason").textOrNull());
  }

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
      throw rawKey.problem("not a URL-encoded key: " + quote(rawKey.text()));
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
            nonNegative(object.get("size")),
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

  // ---- ECR and Inspector ----

  private static PipelineEvent ecrImageAction(EventMeta meta, JsonField d) {
    return new EcrImageAction(
        meta,
        d.get("action-type").nonBlankText(),
        d.get("result").nonBlankText(),
        repositoryName(d.get("repository-name")),
        d.get("image-digest").textOrNullIfEmpty(),
        d.get("image-tag").textOrNullIfEmpty());
  }

  private static PipelineEvent ecrImageScan(EventMeta meta, JsonField d) {
    return new EcrImageScan(
        meta,
        d.get("scan-status").nonBlankText(),
        repositoryName(d.get("repository-name")),
        d.get("image-digest").nonBlankText(),
        d.get("image-tags").textsOrEmpty(),
        severityCounts(d.get("finding-severity-counts")));
  }

  private static PipelineEvent inspectorScan(EventMeta meta, JsonField d) {
    return new InspectorScan(
        meta,
        d.get("scan-status").nonBlankText(),
        repositoryName(d.get("repository-name")),
        d.get("image-digest").nonBlankText(),
        d.get("image-tags").textsOrEmpty(),
        severityCounts(d.get("finding-severity-counts")));
  }

  private static PipelineEvent inspectorFinding(EventMeta meta, JsonField d) {
    String repository = null;
    String digest = null;
    for (JsonField resource : d.get("resources").elementsOrEmpty()) {
      JsonField image = resource.get("details").get("awsEcrContainerImage");
      if (!image.isAbsent()) {
        image.requireObject();
        JsonField name = image.get("repositoryName");
        repository = name.isAbsent() ? null : repositoryName(name);
        digest = image.get("imageHash").textOrNull();
        break;
      }
    }
    JsonField vulnerability = d.get("packageVulnerabilityDetails");
    List<InspectorFinding.VulnerablePackage> packages = new ArrayList<>();
    for (JsonField p : vulnerability.get("vulnerablePackages").elementsOrEmpty()) {
      packages.add(
          new InspectorFinding.VulnerablePackage(
              p.get("name").nonBlankText(),
              p.get("version").textOrNull(),
              p.get("fixedInVersion").textOrNull()));
    }
    return new InspectorFinding(
        meta,
        d.get("findingArn").nonBlankText(),
        d.get("severity").nonBlankText(),
        d.get("status").nonBlankText(),
        d.get("type").nonBlankText(),
        vulnerability.get("vulnerabilityId").textOrNull(),
        repository,
        digest,
        packages);
  }

  /**
   * A repository name from a plain name or an ECR repository ARN ({@code
   * arn:aws:ecr:us-east-2:123456789012:repository/team/app} gives {@code team/app}).
   */
  static String repositoryName(JsonField field) {
    String value = field.nonBlankText();
    if (!value.startsWith("arn:")) {
      return value;
    }
    String[] parts = value.split(":", 6);
    if (parts.length == 6
        && "ecr".equals(parts[2])
        && parts[5].startsWith("repository/")
        && parts[5].length() > "repository/".length()) {
      return parts[5].substring("repository/".length());
    }
    throw field.problem("expected a repository name or ECR repository ARN, got " + quote(value));
  }

  private static SeverityCounts severityCounts(JsonField counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonField> e : counts.membersOrEmpty().entrySet()) {
      if ("TOTAL".equalsIgnoreCase(e.getKey())) {
        continue; // Inspector's sum of the others, not a severity
      }
      Long count = nonNegative(e.getValue());
      if (count != null) {
        out.put(e.getKey(), count);
      }
    }
    return new SeverityCounts(out);
  }

  // ---- CodeBuild ----

  private static PipelineEvent buildState(EventMeta meta, JsonField d) {
    String releaseId = null;
    JsonField variables =
        d.get("additional-information").get("environment").get("environment-variables");
    for (JsonField variable : variables.elementsOrEmpty()) {
      if (CodeBuildBuildState.RELEASE_ID_VARIABLE.equals(variable.get("name").textOrNull())) {
        releaseId = variable.get("value").textOrNullIfEmpty();
      }
    }
    return new CodeBuildBuildState(
        meta,
        d.get("project-name").nonBlankText(),
        d.get("build-id").nonBlankText(),
        d.get("build-status").nonBlankText(),
        releaseId);
  }

  private static PipelineEvent phaseChange(EventMeta meta, JsonField d) {
    return new CodeBuildPhaseChange(
        meta,
        d.get("project-name").nonBlankText(),
        d.get("build-id").nonBlankText(),
        d.get("completed-phase").nonBlankText(),
        d.get("completed-phase-status").textOrNull());
  }

  // ---- ECS ----

  private static PipelineEvent deploymentState(EventMeta meta, JsonField d) {
    return new EcsDeploymentState(
        meta,
        d.get("eventName").nonBlankText(),
        d.get("deploymentId").nonBlankText(),
        firstResource(meta),
        d.get("reason").textOrNull());
  }

  private static PipelineEvent serviceAction(EventMeta meta, JsonField d) {
    return new EcsServiceAction(
        meta,
        d.get("eventName").nonBlankText(),
        d.get("clusterArn").textOrNull(),
        firstResource(meta),
        d.get("reason").textOrNull());
  }

  private static PipelineEvent taskState(EventMeta meta, JsonField d) {
    JsonField taskArn = d.get("taskArn");
    String task = taskArn.isAbsent() ? firstResource(meta) : taskArn.nonBlankText();
    if (task == null) {
      throw taskArn.problem("required field is missing");
    }
    List<EcsTaskState.Container> containers = new ArrayList<>();
    for (JsonField c : d.get("containers").elementsOrEmpty()) {
      containers.add(
          new EcsTaskState.Container(
              c.get("name").nonBlankText(),
              c.get("exitCode").intOrNull(),
              c.get("reason").textOrNull()));
    }
    return new EcsTaskState(
        meta,
        task,
        d.get("lastStatus").nonBlankText(),
        d.get("desiredStatus").textOrNull(),
        d.get("stopCode").textOrNull(),
        d.get("stoppedReason").textOrNull(),
        containers);
  }

  private static String firstResource(EventMeta meta) {
    return meta.resources().isEmpty() ? null : meta.resources().get(0);
  }

  // ---- CloudWatch ----

  private static PipelineEvent alarmState(EventMeta meta, JsonField d) {
    JsonField state = d.get("state");
    return new AlarmStateChange(
        meta,
        d.get("alarmName").nonBlankText(),
        state.get("value").nonBlankText(),
        d.get("previousState").get("value").textOrNull(),
        state.get("reason").textOrNull());
  }

  // ---- Slipway ----

  private static PipelineEvent slipwayEvent(SlipwayDetailType type, EventMeta meta, JsonField d) {
    return new SlipwayEvent(
        meta,
        type,
        d.get("service").nonBlankText(),
        d.get("releaseId").nonBlankText(),
        d.get("imageDigest").textOrNull(),
        (ObjectNode) d.node());
  }

  // ---- shared ----

  private static Long nonNegative(JsonField field) {
    Long value = field.longOrNull();
    if (value != null && value < 0) {
      throw field.problem("must not be negative, got " + value);
    }
    return value;
  }

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
        throw field.problem("expected an ISO-8601 time, got " + quote(text));
      }
    }
  }

  private static String describe(JsonField field) {
    return JsonField.describe(field.node());
  }

  /** See {@link JsonField#quote}. */
  public static String quote(String value) {
    return JsonField.quote(value);
  }
}
