package dev.slipway.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.json.JsonField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every kind of event the pipeline reads, in one place: its record type, the EventBridge source and
 * detail-type it arrives as, how its detail is read, the step whose handler acts on it, and the
 * rule that routes it there. The parser, the handlers, the CDK app's rules, the local runtime (from
 * the synthesized rules) and the rule conformance test all read this table; {@code Pipeline.handle}
 * switches over it, so a kind added here without a decision there does not compile.
 *
 * <p>Adding a kind of AWS event: its record (this package), a constant here, and its case in {@code
 * Pipeline.handle}; a sample in {@code events/} for the conformance test.
 *
 * <p>Why this is long: it is the registry, with each kind's reader beside its entry, so that a new
 * kind is one constant and one reader in one file.
 */
public enum EventKind {
  S3_OBJECT_CREATED(
      "s3.object-created",
      S3ObjectCreated.class,
      "aws.s3",
      "Object Created",
      Step.SOURCE_UPLOADED,
      "SourceUploaded",
      EventKind::s3ObjectCreated,
      ctx ->
          Optional.of(
              detail(
                  Map.of(
                      "bucket",
                      Map.of("name", List.of(ctx.sourceBucket())),
                      "object",
                      Map.of("key", List.of(Map.of("prefix", "sources/"))))))),
  CODEBUILD_BUILD_STATE(
      "codebuild.build-state",
      CodeBuildBuildState.class,
      "aws.codebuild",
      "CodeBuild Build State Change",
      Step.BUILD_STATE,
      "BuildState",
      EventKind::buildState,
      ctx ->
          Optional.of(
              detail(
                  Map.of(
                      "project-name",
                      ctx.buildProjects(),
                      // A build's end only (issue 19): its start (IN_PROGRESS) tells nothing the
                      // StartBuild answer has not (the build's id, recorded by the effect; a
                      // repeated start answers the same build by its idempotency token), and an
                      // end names its build and release itself. Two events a release fewer.
                      "build-status",
                      List.of("SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT"))))),
  CODEBUILD_PHASE_CHANGE(
      "codebuild.phase-change",
      CodeBuildPhaseChange.class,
      "aws.codebuild",
      "CodeBuild Build Phase Change",
      EventKind::phaseChange),
  ECR_IMAGE_ACTION(
      "ecr.image-action",
      EcrImageAction.class,
      "aws.ecr",
      "ECR Image Action",
      Step.IMAGE_PUSHED,
      "ImagePushed",
      EventKind::ecrImageAction,
      ctx ->
          Optional.of(
              detail(
                  Map.of(
                      "action-type",
                      List.of("PUSH"),
                      "result",
                      List.of("SUCCESS"),
                      "repository-name",
                      ctx.repositoryNames())))),
  ECR_IMAGE_SCAN(
      "ecr.image-scan",
      ImageScan.class,
      "aws.ecr",
      "ECR Image Scan",
      Step.SCAN,
      "Scan",
      EventKind::ecrImageScan,
      ctx ->
          ctx.enhancedScanning()
              ? Optional.empty()
              : Optional.of(detail(Map.of("repository-name", ctx.repositoryNames())))),
  INSPECTOR_SCAN(
      "inspector2.scan",
      ImageScan.class,
      "aws.inspector2",
      "Inspector2 Scan",
      Step.SCAN,
      "Scan",
      EventKind::inspectorScan,
      // Inspector names the repository by its ARN.
      ctx ->
          ctx.enhancedScanning()
              ? Optional.of(detail(Map.of("repository-name", ctx.repositoryArns())))
              : Optional.empty()),
  INSPECTOR_FINDING(
      "inspector2.finding",
      InspectorFinding.class,
      "aws.inspector2",
      "Inspector2 Finding",
      EventKind::inspectorFinding),
  ECS_DEPLOYMENT_STATE(
      "ecs.deployment-state",
      EcsDeploymentState.class,
      "aws.ecs",
      "ECS Deployment State Change",
      Step.DEPLOYMENT,
      "Deployment",
      EventKind::deploymentState,
      ctx ->
          Optional.of(
              Map.of(
                  "resources",
                  List.of(Map.of("prefix", ctx.ecsServiceArnPrefix())),
                  "detail",
                  Map.of(
                      "eventName",
                      List.of("SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"))))),
  ECS_SERVICE_ACTION(
      "ecs.service-action",
      EcsServiceAction.class,
      "aws.ecs",
      "ECS Service Action",
      EventKind::serviceAction),
  ECS_TASK_STATE(
      "ecs.task-state",
      EcsTaskState.class,
      "aws.ecs",
      "ECS Task State Change",
      EventKind::taskState),
  ALARM_STATE_CHANGE(
      "cloudwatch.alarm-state",
      AlarmStateChange.class,
      "aws.cloudwatch",
      "CloudWatch Alarm State Change",
      Step.DEPLOYMENT,
      "Alarms",
      EventKind::alarmState,
      ctx ->
          ctx.alarmNames().isEmpty()
              ? Optional.empty()
              : Optional.of(
                  detail(
                      Map.of(
                          "alarmName",
                          ctx.alarmNames(),
                          "state",
                          Map.of("value", List.of("ALARM")))))),
  /**
   * A bake's end, a delayed message Slipway sends itself straight to the deployment step's queue
   * (no rule: it never goes through the bus).
   */
  BAKE_TIMER(
      "slipway.bake-timer",
      BakeTimer.class,
      "slipway.timer",
      "Bake Timer",
      Step.DEPLOYMENT,
      null,
      EventKind::bakeTimer,
      ctx -> Optional.empty()),
  /**
   * Slipway's own announcements (source {@code slipway}, one detail-type each): parsed for `slipway
   * event inspect` and consumers; no rule, since they decide nothing (architecture §5).
   */
  SLIPWAY("slipway", SlipwayEvent.class, SlipwayDetailType.SOURCE, null, EventKind::slipwayEvent);

  /** Reads one kind's detail object into its record. */
  @FunctionalInterface
  interface Reader {
    PipelineEvent read(EventMeta meta, JsonField detail);
  }

  /** A kind's rule pattern beyond source and detail-type, in a stack; empty when it has no rule. */
  @FunctionalInterface
  public interface Pattern {
    Optional<Map<String, Object>> in(RuleContext context);
  }

  private final String kind;
  private final Class<? extends PipelineEvent> type;
  private final String source;
  private final String detailType;
  private final Step step;
  private final String rule;
  private final Reader reader;
  private final Pattern pattern;

  /** A kind the pipeline parses (for `slipway event inspect`) but no step acts on. */
  EventKind(
      String kind,
      Class<? extends PipelineEvent> type,
      String source,
      String detailType,
      Reader reader) {
    this(kind, type, source, detailType, null, null, reader, ctx -> Optional.empty());
  }

  EventKind(
      String kind,
      Class<? extends PipelineEvent> type,
      String source,
      String detailType,
      Step step,
      String rule,
      Reader reader,
      Pattern pattern) {
    this.kind = kind;
    this.type = type;
    this.source = source;
    this.detailType = detailType;
    this.step = step;
    this.rule = rule;
    this.reader = reader;
    this.pattern = pattern;
  }

  /** The kind's name in `slipway event inspect` and in the handlers' log lines. */
  public String kind() {
    return kind;
  }

  public Class<? extends PipelineEvent> type() {
    return type;
  }

  /** The EventBridge source. */
  public String source() {
    return source;
  }

  /** The EventBridge detail-type; null for {@link #SLIPWAY}, which has one per announcement. */
  public String detailType() {
    return detailType;
  }

  /** The step whose handler acts on this kind; empty when none does. */
  public Optional<Step> step() {
    return Optional.ofNullable(step);
  }

  /** The name of the rule that routes this kind to its step (two kinds may share one name). */
  public String rule() {
    return rule;
  }

  /**
   * The whole rule pattern in a stack ({@code source}, {@code detail-type}, then the kind's
   * narrowing), or empty when this kind has no rule there.
   */
  public Optional<Map<String, Object>> rulePattern(RuleContext context) {
    if (step == null) {
      return Optional.empty();
    }
    return pattern
        .in(context)
        .map(
            narrowing -> {
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("source", List.of(source));
              out.put("detail-type", List.of(detailType));
              out.putAll(narrowing);
              return out;
            });
  }

  /** The detail-types this kind arrives as. */
  List<String> detailTypes() {
    if (detailType != null) {
      return List.of(detailType);
    }
    List<String> out = new ArrayList<>();
    for (SlipwayDetailType t : SlipwayDetailType.values()) {
      out.add(t.detailType());
    }
    return out;
  }

  PipelineEvent read(EventMeta meta, JsonField detail) {
    return reader.read(meta, detail);
  }

  /** The one kind of a record type (not for {@link ImageScan}, which carries its own). */
  static EventKind ofType(Class<?> type) {
    EventKind found = null;
    for (EventKind k : values()) {
      if (k.type == type) {
        if (found != null) {
          throw new IllegalStateException(type.getSimpleName() + " has several kinds");
        }
        found = k;
      }
    }
    if (found == null) {
      throw new IllegalStateException(type.getSimpleName() + " has no EventKind");
    }
    return found;
  }

  private static Map<String, Object> detail(Map<String, Object> detail) {
    return Map.of("detail", detail);
  }

  // ---- the readers, one per kind ----

  static PipelineEvent s3ObjectCreated(EventMeta meta, JsonField d) {
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
    return imageScan(ECR_IMAGE_SCAN, meta, d);
  }

  private static PipelineEvent inspectorScan(EventMeta meta, JsonField d) {
    return imageScan(INSPECTOR_SCAN, meta, d);
  }

  private static PipelineEvent imageScan(EventKind kind, EventMeta meta, JsonField d) {
    return new ImageScan(
        meta,
        kind,
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
    throw field.problem(
        "expected a repository name or ECR repository ARN, got " + JsonField.quote(value));
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

  private static PipelineEvent buildState(EventMeta meta, JsonField d) {
    String releaseId = null;
    JsonField variables =
        d.get("additional-information").get("environment").get("environment-variables");
    for (JsonField variable : variables.elementsOrEmpty()) {
      if (CodeBuildBuildState.RELEASE_ID_VARIABLE.equals(variable.get("name").textOrNull())) {
        releaseId = variable.get("value").textOrNullIfEmpty();
      }
    }
    String sha256 = d.get("additional-information").get("artifact").get("sha256sum").textOrNull();
    return new CodeBuildBuildState(
        meta,
        d.get("project-name").nonBlankText(),
        d.get("build-id").nonBlankText(),
        d.get("build-status").nonBlankText(),
        releaseId,
        sha256 != null && sha256.matches("[0-9a-f]{64}") ? sha256 : null);
  }

  private static PipelineEvent phaseChange(EventMeta meta, JsonField d) {
    return new CodeBuildPhaseChange(
        meta,
        d.get("project-name").nonBlankText(),
        d.get("build-id").nonBlankText(),
        d.get("completed-phase").nonBlankText(),
        d.get("completed-phase-status").textOrNull());
  }

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

  private static PipelineEvent alarmState(EventMeta meta, JsonField d) {
    JsonField state = d.get("state");
    return new AlarmStateChange(
        meta,
        d.get("alarmName").nonBlankText(),
        state.get("value").nonBlankText(),
        d.get("previousState").get("value").textOrNull(),
        state.get("reason").textOrNull());
  }

  private static PipelineEvent bakeTimer(EventMeta meta, JsonField d) {
    String at = d.get("at").nonBlankText();
    try {
      return new BakeTimer(
          meta,
          d.get("service").nonBlankText(),
          d.get("releaseId").nonBlankText(),
          java.time.Instant.parse(at));
    } catch (java.time.format.DateTimeParseException e) {
      throw d.get("at").problem(JsonField.quote(at) + " is not an ISO-8601 instant");
    }
  }

  private static PipelineEvent slipwayEvent(EventMeta meta, JsonField d) {
    return new SlipwayEvent(
        meta,
        SlipwayDetailType.fromDetailType(meta.detailType()).orElseThrow(),
        d.get("service").nonBlankText(),
        d.get("releaseId").nonBlankText(),
        d.get("imageDigest").textOrNull(),
        (ObjectNode) d.node());
  }

  static Long nonNegative(JsonField field) {
    Long value = field.longOrNull();
    if (value != null && value < 0) {
      throw field.problem("must not be negative, got " + value);
    }
    return value;
  }
}
