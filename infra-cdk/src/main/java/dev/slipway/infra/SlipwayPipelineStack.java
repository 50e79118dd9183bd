package dev.slipway.infra;

import dev.slipway.event.EventKind;
import dev.slipway.event.RuleContext;
import dev.slipway.event.SlipwayDetailType;
import dev.slipway.event.Step;
import dev.slipway.release.Declarations;
import dev.slipway.release.DeclarationsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.MetricProps;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Slipway in an AWS account: the source bucket (and ledger), the image repository, the two build
 * projects, one Lambda per step, the EventBridge rules that chain them (each with a retry policy
 * and a dead-letter queue), the reconciler's schedule, alarms on dead letters and handler errors,
 * and the outputs a user needs.
 *
 * <p>Why this is long: the stack wires its constructs (bucket, repositories, builds, handlers,
 * rules from the registry, queues, alarms, outputs) in one readable order.
 */
public final class SlipwayPipelineStack extends Stack {
  /** What a user sets; everything else follows. */
  public record PipelineProps(
      Path functionsJar,
      Path cliJar,
      String bucketName,
      Declarations services,
      String compileProject,
      String imageProject,
      boolean enhancedScanning,
      Map<String, String> alarmServices,
      int reconcileMinutes,
      int retentionDays,
      List<String> subscribers) {
    /** Without subscribers to the release notifications (subscribe to the topic later). */
    public PipelineProps(
        Path functionsJar,
        Path cliJar,
        String bucketName,
        Declarations services,
        String compileProject,
        String imageProject,
        boolean enhancedScanning,
        Map<String, String> alarmServices,
        int reconcileMinutes,
        int retentionDays) {
      this(
          functionsJar,
          cliJar,
          bucketName,
          services,
          compileProject,
          imageProject,
          enhancedScanning,
          alarmServices,
          reconcileMinutes,
          retentionDays,
          List.of());
    }

    public PipelineProps {
      subscribers = subscribers == null ? List.of() : List.copyOf(subscribers);
      for (String address : subscribers) {
        if (!address.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
          throw new IllegalArgumentException(
              "subscribers entry '" + address + "' is not an email address");
        }
      }
      Objects.requireNonNull(functionsJar, "functionsJar");
      Objects.requireNonNull(cliJar, "cliJar");
      Objects.requireNonNull(services, "services");
      if (!Files.isRegularFile(cliJar)) {
        throw new IllegalArgumentException(
            "cliJar " + cliJar + " does not exist (build the cli module first)");
      }
      alarmServices = Map.copyOf(alarmServices);
      for (var e : alarmServices.entrySet()) {
        if (!e.getKey().matches("[A-Za-z0-9._/#:-]{1,255}")
            || !e.getValue().matches("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")) {
          throw new IllegalArgumentException(
              "alarmServices entry '"
                  + e.getKey()
                  + "' -> '"
                  + e.getValue()
                  + "' is not alarm -> service");
        }
      }
      if (reconcileMinutes < 1 || reconcileMinutes > 60) {
        throw new IllegalArgumentException(
            "reconcileMinutes " + reconcileMinutes + " must be 1..60");
      }
    }

    /** The defaults a two-line install uses, for the declared {@code services}. */
    public static PipelineProps defaults(Path functionsJar, Path cliJar, Declarations services) {
      return new PipelineProps(
          functionsJar,
          cliJar,
          null,
          services,
          "slipway-compile",
          "slipway-image",
          true,
          Map.of(),
          5,
          30);
    }
  }

  private final Map<String, Rule> rules = new LinkedHashMap<>();

  public SlipwayPipelineStack(
      Construct scope, String id, StackProps stackProps, PipelineProps props) {
    super(scope, id, stackProps);
    // Access logs through a bucket policy rather than the legacy ACL (what new CDK apps default
    // to).
    getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    // Statements that differ only in resources merged into one (what cdk.json sets too, here so
    // that every app synthesizing this stack, the tests' included, gets the same template): with
    // a statement per repository, 200 services' grants made a 1.2 MB template, over
    // CloudFormation's 1 MB.
    getNode().setContext("@aws-cdk/aws-iam:minimizePolicies", true);
    SourceBucket source =
        new SourceBucket(
            this, "Source", new SourceBucket.Props(props.bucketName(), props.retentionDays()));
    // One repository per declared service (architecture §5): a service's images, and its pushes'
    // events,
    // are its own.
    Map<String, ImageRepository> images = new LinkedHashMap<>();
    for (Declarations.Service service : props.services().services()) {
      images.put(
          service.name(),
          new ImageRepository(
              this,
              "Images" + logicalName(service.name()),
              new ImageRepository.Props(service.repository(), props.enhancedScanning(), 200)));
    }
    List<IRepository> repositories =
        images.values().stream().map(r -> (IRepository) r.repository()).toList();
    Key key =
        Key.Builder.create(this, "BuildKey")
            .enableKeyRotation(true)
            .description("Slipway build artifacts")
            .build();
    Asset jar = Asset.Builder.create(this, "SlipwayJar").path(props.cliJar().toString()).build();
    BuildProjects builds =
        new BuildProjects(
            this,
            "Builds",
            new BuildProjects.Props(
                props.compileProject(),
                props.imageProject(),
                source.bucket(),
                repositories,
                jar,
                key));

    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("SLIPWAY_SOURCE_BUCKET", source.bucket().getBucketName());
    String declarations = DeclarationsReader.toEnvironment(props.services());
    if (declarations.length() > DeclarationsReader.ENVIRONMENT_BUDGET) {
      // Lambda holds at most 4 KB of environment variables per function, all of them together.
      throw new IllegalArgumentException(
          "the services declarations are "
              + DeclarationsReader.toJson(props.services()).length()
              + " bytes as JSON and "
              + declarations.length()
              + " gzipped in base64; a handler's environment holds at most "
              + DeclarationsReader.ENVIRONMENT_BUDGET
              + " of them (Lambda's limit is 4 KB for all variables): split the services"
              + " across stacks");
    }
    environment.put(DeclarationsReader.ENVIRONMENT_VARIABLE, declarations);
    environment.put("SLIPWAY_COMPILE_PROJECT", props.compileProject());
    environment.put("SLIPWAY_IMAGE_PROJECT", props.imageProject());
    environment.put("SLIPWAY_DOCKERFILE_PROJECT", props.imageProject() + "-dockerfile");
    environment.put("SLIPWAY_SCANNER", props.enhancedScanning() ? "inspector" : "ecr");
    environment.put(
        "SLIPWAY_ALARMS",
        String.join(
            ",",
            props.alarmServices().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList()));
    environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    int handlerTimeoutSeconds = 60;
    // A claim on an effect outlives any invocation that could hold it (Lambda ends an invocation
    // at its timeout): twice the timeout, so a crashed handler's effect is taken over in minutes.
    environment.put("SLIPWAY_CLAIM_TTL_SECONDS", Integer.toString(2 * handlerTimeoutSeconds));
    Handlers handlers =
        new Handlers(
            this,
            "Handlers",
            new Handlers.Props(
                props.functionsJar(),
                source.bucket(),
                props.services(),
                builds.compile().getProjectArn(),
                builds.image().getProjectArn(),
                builds.dockerfile().getProjectArn(),
                environment,
                1024,
                Duration.seconds(handlerTimeoutSeconds)));

    // CloudWatch publishes an alarm to an encrypted topic only when the topic's own key lets it
    // (kms:Decrypt and kms:GenerateDataKey*); granting another key leaves every alarm unpublished.
    Topic alarmTopic =
        encryptedTopic(
            "Alarms",
            "AlarmKey",
            "Slipway alarms",
            "Slipway alarm topic",
            "cloudwatch.amazonaws.com");

    // The rules come from the registry of event kinds (EventKind): one per kind a step acts on,
    // narrowed to this stack's bucket, projects, repositories, alarms and services. No rule for
    // approvals: a decision comes only through the IAM-authenticated steering URL (Handlers),
    // never as an event anyone allowed events:PutEvents could send.
    String bucketName = source.bucket().getBucketName();
    ruleContext =
        new StackRules(
            bucketName,
            List.of(
                props.compileProject(), props.imageProject(), props.imageProject() + "-dockerfile"),
            props.services().services().stream().map(Declarations.Service::repository).toList(),
            repositories.stream().map(IRepository::getRepositoryArn).toList(),
            props.enhancedScanning(),
            // Every declared service's alarms (the declarations name them), and any the props add.
            Stream.concat(
                    props.services().alarmServices().keySet().stream(),
                    props.alarmServices().keySet().stream())
                .distinct()
                .sorted()
                .toList(),
            formatArn(
                ArnComponents.builder()
                    .service("ecs")
                    .resource("service")
                    .resourceName("")
                    .build()));
    for (EventKind kind : EventKind.values()) {
      Optional<Map<String, Object>> pattern = kind.rulePattern(ruleContext);
      if (pattern.isPresent()) {
        rule(kind.rule(), kind.step().orElseThrow(), handlers, alarmTopic, pattern.get());
      }
    }
    Rule reconcile =
        Rule.Builder.create(this, "ReconcileRule")
            .description("Slipway: reconcile releases stuck on a lost event")
            .schedule(Schedule.rate(Duration.minutes(props.reconcileMinutes())))
            .build();
    reconcile.addTarget(target(Step.RECONCILER, handlers, alarmTopic));
    rules.put("Reconcile", reconcile);

    notifications(props, alarmTopic);

    // Bake timers (architecture §5: the bake ends at its time, not at a tick): any handler may
    // start a
    // bake, so every one may send the deployment step's queue a delayed message, that queue only.
    Queue timers = queues.get(Step.DEPLOYMENT.functionName())[0];
    for (Function function : handlers.functions().values()) {
      function.addEnvironment("SLIPWAY_TIMER_QUEUE_URL", timers.getQueueUrl());
      timers.grantSendMessages(function);
    }

    for (var entry : handlers.functions().entrySet()) {
      Alarm errors =
          entry
              .getValue()
              .metricErrors(MetricOptions.builder().period(Duration.minutes(5)).build())
              .createAlarm(
                  this,
                  entry.getKey() + "Errors",
                  CreateAlarmOptions.builder()
                      .alarmDescription("Slipway " + entry.getKey() + " handler errors")
                      .threshold(1)
                      .evaluationPeriods(1)
                      .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                      .treatMissingData(TreatMissingData.NOT_BREACHING)
                      .build());
      errors.addAlarmAction(new SnsAction(alarmTopic));
    }

    NagExemptions.apply(this);
    CheckovExemptions.apply(this);

    CfnOutput.Builder.create(this, "SourceBucketName")
        .value(bucketName)
        .description("upload sources to s3://<this>/sources/<service>/")
        .build();
    CfnOutput.Builder.create(this, "UploadPrefix")
        .value("s3://" + bucketName + "/sources/")
        .build();
    CfnOutput.Builder.create(this, "Registry")
        .value(Fn.sub("${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}"))
        .description("each service's images are <this>/<its repository> (slipway/<service>)")
        .build();
    // A template holds at most 200 outputs (CloudFormation's quota; slipway local refuses more):
    // one per service while they all fit, else the registry above says where images are.
    if (images.size() + FIXED_OUTPUTS <= CLOUDFORMATION_OUTPUTS) {
      for (var image : images.entrySet()) {
        CfnOutput.Builder.create(this, "RepositoryUri" + logicalName(image.getKey()))
            .value(image.getValue().repository().getRepositoryUri())
            .description(image.getKey() + "'s images")
            .build();
      }
    }
    CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarmTopic.getTopicArn()).build();
    CfnOutput.Builder.create(this, "SteeringUrl")
        .value(handlers.steeringUrl().getUrl())
        .description("slipway approve/reject --steering-url <this> (IAM-signed requests)")
        .build();
  }

  /**
   * Release notifications (architecture §5, "Release events go to an SNS topic people can subscribe
   * to"): an encrypted topic with the props' email subscribers; a rule sends it each approval
   * request (with the command to run), each release blocked, failed, rolled back or live, and each
   * release found stuck, as one readable line. EventBridge publishes to an encrypted topic only
   * when the topic's key lets it. A release stuck past its state's limit also raises an alarm: the
   * stuck rule's matched-events metric, which EventBridge publishes.
   */
  private void notifications(PipelineProps props, Topic alarmTopic) {
    Topic topic =
        encryptedTopic(
            "ReleaseNotifications",
            "NotificationKey",
            "Slipway releases",
            "Slipway release notifications",
            "events.amazonaws.com");
    props.subscribers().forEach(address -> topic.addSubscription(new EmailSubscription(address)));
    String release =
        EventField.fromPath("$.detail.service") + " " + EventField.fromPath("$.detail.releaseId");
    notifyRule(
        topic,
        "NotifyApprovalRule",
        "a release waits for a person",
        List.of(SlipwayDetailType.APPROVAL_REQUESTED),
        "Slipway: "
            + release
            + " waits for approval: "
            + EventField.fromPath("$.detail.reason")
            + ". To decide: slipway approve|reject "
            + EventField.fromPath("$.detail.releaseId")
            + " --steering-url <the stack's SteeringUrl>");
    notifyRule(
        topic,
        "NotifyPromotionRule",
        "a release waits to be promoted",
        List.of(SlipwayDetailType.RELEASE_AWAITING_PROMOTION),
        "Slipway: "
            + release
            + " is live in "
            + EventField.fromPath("$.detail.environment")
            + " and waits to be promoted. To promote: slipway promote "
            + EventField.fromPath("$.detail.releaseId")
            + " --to <the next environment> --steering-url <the stack's SteeringUrl>");
    notifyRule(
        topic,
        "NotifyOutcomeRule",
        "a release ended",
        List.of(
            SlipwayDetailType.RELEASE_BLOCKED,
            SlipwayDetailType.RELEASE_FAILED,
            SlipwayDetailType.RELEASE_ROLLED_BACK,
            SlipwayDetailType.RELEASE_LIVE),
        "Slipway: "
            + release
            + " "
            + EventField.fromPath("$.detail.state")
            + " "
            + EventField.fromPath("$.detail.reason"));
    Rule stuck =
        notifyRule(
            topic,
            "NotifyStuckRule",
            "a release is stuck past its state's limit",
            List.of(SlipwayDetailType.RELEASE_STUCK),
            "Slipway: " + release + " " + EventField.fromPath("$.detail.reason"));
    Alarm stuckAlarm =
        new Metric(
                MetricProps.builder()
                    .namespace("AWS/Events")
                    .metricName("MatchedEvents")
                    .dimensionsMap(Map.of("RuleName", stuck.getRuleName()))
                    .statistic("Sum")
                    .period(Duration.minutes(5))
                    .build())
            .createAlarm(
                this,
                "StuckReleasesAlarm",
                CreateAlarmOptions.builder()
                    .alarmDescription("Slipway releases stuck past their state's time limit")
                    .threshold(1)
                    .evaluationPeriods(1)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
    stuckAlarm.addAlarmAction(new SnsAction(alarmTopic));
    CfnOutput.Builder.create(this, "NotificationTopicArn")
        .value(topic.getTopicArn())
        .description("release notifications: approvals needed, blocked, failed, rolled back, live")
        .build();
  }

  /**
   * An SNS topic encrypted with its own rotating key, which lets {@code publisher} (a service
   * principal) publish: an AWS service publishes to an encrypted topic only when the topic's key
   * grants it kms:Decrypt and kms:GenerateDataKey*.
   */
  private Topic encryptedTopic(
      String id, String keyId, String displayName, String keyDescription, String publisher) {
    Key key =
        Key.Builder.create(this, keyId).enableKeyRotation(true).description(keyDescription).build();
    key.grant(new ServicePrincipal(publisher), "kms:Decrypt", "kms:GenerateDataKey*");
    return Topic.Builder.create(this, id)
        .displayName(displayName)
        .enforceSsl(true)
        .masterKey(key)
        .build();
  }

  /** A rule sending Slipway's {@code types} to the notification topic as {@code message}. */
  private Rule notifyRule(
      Topic topic, String id, String what, List<SlipwayDetailType> types, String message) {
    Rule rule =
        Rule.Builder.create(this, id)
            .description("Slipway: " + what)
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(SlipwayDetailType.SOURCE))
                    .detailType(types.stream().map(SlipwayDetailType::detailType).toList())
                    .build())
            .build();
    rule.addTarget(
        SnsTopic.Builder.create(topic).message(RuleTargetInput.fromText(message)).build());
    return rule;
  }

  /** {@code hello-go} as a logical-id part: {@code HelloGo}. */
  static String logicalName(String service) {
    StringBuilder out = new StringBuilder();
    for (String part : service.split("-")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  /** What the stack's rules are narrowed to (see {@link EventKind#rulePattern}). */
  private record StackRules(
      String sourceBucket,
      List<String> buildProjects,
      List<String> repositoryNames,
      List<String> repositoryArns,
      boolean enhancedScanning,
      List<String> alarmNames,
      String ecsServiceArnPrefix)
      implements RuleContext {}

  private void rule(
      String name, Step step, Handlers handlers, Topic alarms, Map<String, Object> pattern) {
    Rule rule =
        Rule.Builder.create(this, name + "Rule")
            .description("Slipway: " + name)
            .eventPattern(eventPattern(pattern))
            .build();
    rule.addTarget(target(step, handlers, alarms));
    rules.put(name, rule);
  }

  /** The registry's JSON pattern as CDK's EventPattern (a {@code prefix} matcher as Match's). */
  @SuppressWarnings("unchecked")
  private static EventPattern eventPattern(Map<String, Object> pattern) {
    EventPattern.Builder out =
        EventPattern.builder()
            .source((List<String>) pattern.get("source"))
            .detailType((List<String>) pattern.get("detail-type"));
    if (pattern.containsKey("detail")) {
      out.detail((Map<String, Object>) pattern.get("detail"));
    }
    if (pattern.containsKey("resources")) {
      List<String> resources = new ArrayList<>();
      for (Object resource : (List<Object>) pattern.get("resources")) {
        if (resource instanceof Map<?, ?> matcher && matcher.containsKey("prefix")) {
          resources.addAll(Match.prefix((String) matcher.get("prefix")));
        } else {
          resources.add((String) resource);
        }
      }
      out.resources(resources);
    }
    return out.build();
  }

  /** CloudFormation's quota of outputs in one template. */
  static final int CLOUDFORMATION_OUTPUTS = 200;

  /** The outputs beside the repositories': bucket, prefix, registry, topics, steering URL. */
  static final int FIXED_OUTPUTS = 6;

  /** How many times a handler may fail an event before it is dead-lettered. */
  static final int MAX_RECEIVES = 10;

  private final Map<String, Queue[]> queues = new LinkedHashMap<>();

  /**
   * The handler's queue as a rule target (architecture §2, event topology): every rule delivers to
   * the queue of the function that handles it, and the function reads it through an event source
   * mapping with ReportBatchItemFailures, so an event it cannot handle yet comes back after the
   * visibility timeout, up to {@link #MAX_RECEIVES} times, then goes to the dead-letter queue
   * (alarmed). A rule invoking the Lambda directly would give a failing handler two retries and
   * then drop the event; EventBridge's own retries and dead-letter queue cover delivery only.
   */
  private SqsQueue target(Step step, Handlers handlers, Topic alarms) {
    Queue[] pair =
        queues.computeIfAbsent(
            step.functionName(),
            h -> {
              Queue dlq =
                  Queue.Builder.create(this, h + "DeadLetters")
                      .encryption(QueueEncryption.SQS_MANAGED)
                      .enforceSsl(true)
                      .retentionPeriod(Duration.days(14))
                      .build();
              Queue queue =
                  Queue.Builder.create(this, h + "Queue")
                      .encryption(QueueEncryption.SQS_MANAGED)
                      .enforceSsl(true)
                      // Lambda's advice for an SQS event source: six times the function timeout.
                      .visibilityTimeout(
                          Duration.seconds(6 * handlers.timeout().toSeconds().longValue()))
                      .retentionPeriod(Duration.days(4))
                      .deadLetterQueue(
                          DeadLetterQueue.builder()
                              .queue(dlq)
                              .maxReceiveCount(MAX_RECEIVES)
                              .build())
                      .build();
              handlers
                  .aliases()
                  .get(h)
                  .addEventSource(
                      new SqsEventSource(
                          queue,
                          SqsEventSourceProps.builder()
                              .batchSize(10)
                              .reportBatchItemFailures(true)
                              .build()));
              Alarm depth =
                  dlq.metricApproximateNumberOfMessagesVisible(
                          MetricOptions.builder().period(Duration.minutes(5)).build())
                      .createAlarm(
                          this,
                          h + "DeadLettersAlarm",
                          CreateAlarmOptions.builder()
                              .alarmDescription("Slipway " + h + " events are dead-lettered")
                              .threshold(1)
                              .evaluationPeriods(1)
                              .comparisonOperator(
                                  ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                              .treatMissingData(TreatMissingData.NOT_BREACHING)
                              .build());
              depth.addAlarmAction(new SnsAction(alarms));
              return new Queue[] {queue, dlq};
            });
    // A delivery EventBridge could not make (the queue refused it) goes to the same dead letters.
    return SqsQueue.Builder.create(pair[0])
        .deadLetterQueue(pair[1])
        .retryAttempts(8)
        .maxEventAge(Duration.hours(6))
        .build();
  }

  private final RuleContext ruleContext;

  /** What this stack's rules are narrowed to (which kinds have a rule here, and on what). */
  public RuleContext ruleContext() {
    return ruleContext;
  }

  /** The rules by name, for tests. */
  public Map<String, Rule> rules() {
    return rules;
  }
}
