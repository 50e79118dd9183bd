package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.event.Step;
import dev.slipway.json.Json;
import dev.slipway.local.TemplateRules;
import dev.slipway.release.Declarations;
import dev.slipway.release.DeclarationsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The pipeline stack's promises, read from the synthesized template. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineStackTest {
  Template template;

  @BeforeAll
  void synth() {
    // The default: enhanced scanning (Inspector); basic scanning cannot scan Slipway's images.
    template = Template.fromStack(Stacks.pipeline(new App(), true));
    Stacks.write("SlipwayPipeline", template);
    Stacks.write("SlipwayPipelineBasic", Template.fromStack(Stacks.pipeline(new App(), false)));
    // The drills' template: hello-go as the project declares it, and every service the load and
    // hostile-input drills upload, each in ECS's default cluster (LoadDrillIT, HostileInputIT).
    Stacks.write(
        "SlipwayPipelineDrills",
        Template.fromStack(
            Stacks.pipeline(new App(), true, Stacks.drillDeclarations(LoadDrillIT.RELEASES))));
  }

  @Test
  void sourceBucket_isVersionedPrivateEncryptedLoggedAndNotifiesEventBridge() {
    Object encryption =
        Match.objectLike(
            Map.of(
                "ServerSideEncryptionConfiguration",
                List.of(
                    Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))));
    Object oldSources =
        Match.objectLike(
            Map.of(
                "Id", "old-sources",
                "Prefix", "sources/",
                "ExpirationInDays", 30));
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "BucketName", Stacks.BUCKET,
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "BucketEncryption", encryption,
                "PublicAccessBlockConfiguration",
                    Map.of(
                        "BlockPublicAcls", true,
                        "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true,
                        "RestrictPublicBuckets", true),
                "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "source-bucket/")),
                "LifecycleConfiguration",
                    Match.objectLike(Map.of("Rules", Match.arrayWith(List.of(oldSources)))))));
    template.hasResourceProperties(
        "Custom::S3BucketNotifications",
        Match.objectLike(
            Map.of("NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of()))));
    Object denyWithoutTls =
        Match.objectLike(
            Map.of(
                "Effect",
                "Deny",
                "Condition",
                Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
    template.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(denyWithoutTls)))))));
  }

  @Test
  void repository_hasImmutableTagsAndALifecycle_andBasicScanOnPushOnlyWithBasicScanning() {
    Template basic = Template.fromStack(Stacks.pipeline(new App(), false));
    basic.hasResourceProperties(
        "AWS::ECR::Repository",
        Match.objectLike(
            Map.of(
                "RepositoryName",
                Stacks.REPOSITORY,
                "ImageTagMutability",
                "IMMUTABLE",
                "ImageScanningConfiguration",
                Map.of("ScanOnPush", true),
                "LifecyclePolicy",
                Match.objectLike(
                    Map.of(
                        "LifecyclePolicyText",
                        Match.stringLikeRegexp(".*\"countNumber\":200.*"))))));
  }

  @Test
  void theDockerfileProject_alonePrivileged_buildsTheManifestsDockerfileWithBuildx() {
    Capture buildspec = new Capture();
    template.hasResourceProperties(
        "AWS::CodeBuild::Project",
        Match.objectLike(
            Map.of(
                "Name", "slipway-image-dockerfile",
                "Environment",
                    Match.objectLike(Map.of("PrivilegedMode", true, "Type", "ARM_CONTAINER")),
                "Source", Match.objectLike(Map.of("BuildSpec", buildspec)))));
    assertThat(buildspec.asString())
        .contains("docker buildx build --platform \"${SLIPWAY_PLATFORMS}\"")
        .contains("--file \"${SLIPWAY_DOCKERFILE}\"")
        .contains("--tag \"${SLIPWAY_REGISTRY}/${SLIPWAY_REPOSITORY}:${SLIPWAY_RELEASE_ID}\"")
        .contains("--push \"${SLIPWAY_CONTEXT}\"");
    template.resourcePropertiesCountIs(
        "AWS::CodeBuild::Project",
        Match.objectLike(Map.of("Environment", Match.objectLike(Map.of("PrivilegedMode", true)))),
        1);
  }

  @Test
  void buildProjects_areUnprivilegedArmBuildsOfTheResourceBuildspecs() {
    for (String name : List.of("slipway-compile", "slipway-image")) {
      Capture buildspec = new Capture();
      template.hasResourceProperties(
          "AWS::CodeBuild::Project",
          Match.objectLike(
              Map.of(
                  "Name", name,
                  "Environment",
                      Match.objectLike(
                          Map.of(
                              "PrivilegedMode",
                              false,
                              "Type",
                              "ARM_CONTAINER",
                              "EnvironmentVariables",
                              Match.arrayWith(
                                  List.of(Match.objectLike(Map.of("Name", "SLIPWAY_JAR_URL")))))),
                  "Source", Match.objectLike(Map.of("BuildSpec", buildspec)))));
      String command =
          name.equals("slipway-compile")
              ? "java -jar \"${SLIPWAY_JAR}\" build ."
              : "java -jar \"${SLIPWAY_JAR}\" image dist";
      assertThat(buildspec.asString())
          .contains(command)
          .contains("SLIPWAY_RELEASE_ID")
          .doesNotContain("docker");
      if (name.equals("slipway-image")) {
        // The compile output is used only when it is the zip the compile build reported.
        assertThat(buildspec.asString())
            .contains("sha256sum --check --strict")
            .contains("SLIPWAY_DIST_SHA256");
      }
      template.hasResourceProperties(
          "AWS::CodeBuild::Project",
          Match.objectLike(
              Map.of(
                  "Name",
                  name,
                  "Environment",
                  Match.objectLike(
                      Map.of(
                          "EnvironmentVariables",
                          Match.arrayWith(
                              List.of(
                                  Match.objectLike(
                                      Map.of("Name", "SLIPWAY_ARTIFACT_BUCKET")))))))));
      if (name.equals("slipway-compile")) {
        // the report beside the artifact, where `slipway push --follow` reads the binaries' sizes
        assertThat(buildspec.asString())
            .contains("post_build")
            .contains("builds/${SLIPWAY_RELEASE_ID}/build-report.json");
      }
    }
  }

  @Test
  void handlers_areSnapStartJava21OnArmWithExplicitLimits() {
    for (Step step : Step.values()) {
      String name = step.functionName();
      template.hasResourceProperties(
          "AWS::Lambda::Function",
          Match.objectLike(
              Map.of(
                  "Handler",
                  "dev.slipway.handler." + name + "Handler::handleRequest",
                  "Runtime",
                  "java21",
                  "Architectures",
                  List.of("arm64"),
                  "MemorySize",
                  1024,
                  "Timeout",
                  60,
                  "SnapStart",
                  Map.of("ApplyOn", "PublishedVersions"),
                  "Environment",
                  Match.objectLike(
                      Map.of(
                          "Variables",
                          Match.objectLike(
                              Map.of(
                                  "SLIPWAY_SERVICES",
                                  DeclarationsReader.toEnvironment(Stacks.SERVICES),
                                  "SLIPWAY_COMPILE_PROJECT",
                                  "slipway-compile",
                                  // The alarms are the declarations' (SLIPWAY_SERVICES).
                                  "SLIPWAY_ALARMS",
                                  "",
                                  "SLIPWAY_TIMER_QUEUE_URL",
                                  Map.of("Ref", Match.stringLikeRegexp("DeploymentQueue.*")))))))));
    }
    template.resourceCountIs("AWS::Lambda::Alias", Step.values().length);
  }

  @Test
  void rules_haveTheTightestPatterns() {
    rulePattern(
        "Slipway: SourceUploaded",
        Map.of(
            "source",
            List.of("aws.s3"),
            "detail-type",
            List.of("Object Created"),
            "detail",
            Map.of(
                "bucket",
                Map.of("name", List.of(Match.anyValue())),
                "object",
                Map.of("key", List.of(Map.of("prefix", "sources/"))))));
    rulePattern(
        "Slipway: BuildState",
        Map.of(
            "source", List.of("aws.codebuild"),
            "detail",
                Match.objectLike(
                    Map.of(
                        "project-name",
                        List.of("slipway-compile", "slipway-image", "slipway-image-dockerfile")))));
    rulePattern(
        "Slipway: ImagePushed",
        Map.of(
            "detail",
            Map.of(
                "action-type",
                List.of("PUSH"),
                "result",
                List.of("SUCCESS"),
                "repository-name",
                List.of(Stacks.REPOSITORY, "slipway/hello-staged"))));
    rulePattern(
        "Slipway: Scan",
        Map.of("source", List.of("aws.inspector2"), "detail-type", List.of("Inspector2 Scan")));
    rulePattern(
        "Slipway: Deployment",
        Map.of(
            "resources", List.of(Map.of("prefix", Match.anyValue())),
            "detail",
                Map.of(
                    "eventName",
                    List.of("SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"))));
    rulePattern(
        "Slipway: Alarms",
        Map.of(
            "detail",
            Map.of(
                "alarmName",
                List.of("hello-go-5xx", "hello-go-unhealthy"),
                "state",
                Map.of("value", List.of("ALARM")))));
    template.hasResourceProperties(
        "AWS::Events::Rule", Match.objectLike(Map.of("ScheduleExpression", "rate(5 minutes)")));
  }

  private void rulePattern(String description, Map<String, Object> pattern) {
    rulePattern(template, description, pattern);
  }

  private static void rulePattern(Template t, String description, Map<String, Object> pattern) {
    t.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of("Description", description, "EventPattern", Match.objectLike(pattern))));
  }

  @Test
  void everyRuleTargetsAQueue_readByItsFunctionWithPartialBatchFailures_deadLetteredAndAlarmed() {
    // Finding 7: a rule invoking a Lambda gives a failing handler two retries, then drops the
    // event. Every rule now delivers to a queue; each function reads its own queue.
    Map<String, Map<String, Object>> rules =
        new java.util.HashMap<>(template.findResources("AWS::Events::Rule"));
    // The release notifications' rules target the SNS topic people subscribe to; every other rule
    // delivers to a step.
    assertThat(rules.keySet().stream().filter(id -> id.startsWith("Notify"))).hasSize(4);
    rules.keySet().removeIf(id -> id.startsWith("Notify"));
    assertThat(rules).hasSize(7); // no rule for approvals: they come through the steering URL
    Map<String, Map<String, Object>> queues = template.findResources("AWS::SQS::Queue");
    Set<String> targeted = new java.util.HashSet<>();
    for (Map<String, Object> rule : rules.values()) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> targets =
          (List<Map<String, Object>>) ((Map<String, Object>) rule.get("Properties")).get("Targets");
      assertThat(targets).hasSize(1);
      Object arn = targets.get(0).get("Arn");
      assertThat(arn).as("a rule's target is a queue of the stack").isInstanceOf(Map.class);
      String queue = (String) ((List<?>) ((Map<?, ?>) arn).get("Fn::GetAtt")).get(0);
      assertThat(queues).containsKey(queue);
      targeted.add(queue);
      assertThat(targets.get(0))
          .containsEntry(
              "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 21600, "MaximumRetryAttempts", 8))
          .containsKey("DeadLetterConfig");
    }
    // One queue per event-driven function (the Alarms and Deployment rules share the Deployment
    // function's); the Approval function answers its URL instead.
    assertThat(targeted).hasSize(Step.values().length - 1);
    Map<String, Map<String, Object>> mappings =
        template.findResources("AWS::Lambda::EventSourceMapping");
    assertThat(mappings).hasSize(Step.values().length - 1);
    Set<String> read = new java.util.HashSet<>();
    for (Map<String, Object> mapping : mappings.values()) {
      Map<?, ?> props = (Map<?, ?>) mapping.get("Properties");
      assertThat(props.get("FunctionResponseTypes")).isEqualTo(List.of("ReportBatchItemFailures"));
      read.add(
          (String) ((List<?>) ((Map<?, ?>) props.get("EventSourceArn")).get("Fn::GetAtt")).get(0));
    }
    assertThat(read).isEqualTo(targeted);
    for (String queue : targeted) {
      Map<?, ?> props = (Map<?, ?>) queues.get(queue).get("Properties");
      assertThat(props.get("VisibilityTimeout")).as(queue).isEqualTo(360);
      assertThat(((Map<?, ?>) props.get("RedrivePolicy")).get("maxReceiveCount"))
          .as(queue)
          .isEqualTo(SlipwayPipelineStack.MAX_RECEIVES);
    }
    template.resourcePropertiesCountIs(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of("MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1)),
        Step.values().length - 1);
    template.resourcePropertiesCountIs(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(Map.of("MetricName", "Errors", "Namespace", "AWS/Lambda")),
        Step.values().length);
    template.allResourcesProperties(
        "AWS::SQS::Queue", Match.objectLike(Map.of("SqsManagedSseEnabled", true)));
  }

  @Test
  void outputs_tellAUserWhereToUpload() {
    template.hasOutput("UploadPrefix", Match.objectLike(Map.of("Value", Match.anyValue())));
    template.hasOutput("RepositoryUriHelloGo", Match.anyValue());
    template.hasOutput("SourceBucketName", Match.anyValue());
  }

  /** Every statement of the template's identity policies: inline and customer managed. */
  static List<Map<?, ?>> statements(Template t) {
    List<Map<?, ?>> out = new ArrayList<>();
    for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
      for (Map<String, Object> policy : t.findResources(type).values()) {
        Map<?, ?> document =
            (Map<?, ?>) ((Map<?, ?>) policy.get("Properties")).get("PolicyDocument");
        for (Object s : (List<?>) document.get("Statement")) {
          out.add((Map<?, ?>) s);
        }
      }
    }
    return out;
  }

  /** The resources of every statement granting {@code action}, as JSON text. */
  List<String> resourcesGranting(Template t, String action) throws Exception {
    List<String> out = new ArrayList<>();
    for (Map<?, ?> statement : statements(t)) {
      List<?> actions =
          statement.get("Action") instanceof List<?> l ? l : List.of(statement.get("Action"));
      if (actions.contains(action)) {
        List<?> resources =
            statement.get("Resource") instanceof List<?> l ? l : List.of(statement.get("Resource"));
        for (Object resource : resources) {
          out.add(Json.mapper().writeValueAsString(resource));
        }
      }
    }
    return out;
  }

  @Test
  void twoHundredServices_fitOneStack_withinCloudFormationsAndIamsQuotas_fourHundredAreRefused()
      throws Exception {
    Declarations declared = Stacks.drillDeclarations(200);
    Template t = Template.fromStack(Stacks.pipeline(new App(), true, declared));
    TemplateRules rules =
        new TemplateRules(Json.mapper().valueToTree(t.toJSON()), Stacks.ACCOUNT, Stacks.REGION);
    // What slipway local refuses before anything starts: 500 resources, 200 outputs, 1 MB as CDK
    // writes it, a managed policy's 6,144 characters, ten managed policies on a role
    // (TemplateQuotas).
    rules.validate();
    // 215 repositories: no output for each (it would be 221), the registry's only.
    t.hasOutput("Registry", Match.anyValue());
    assertThat(t.findOutputs("*")).doesNotContainKey("RepositoryUriHelloGo");
    assertThat(template.findOutputs("*"))
        .as("a small stack still has an output per repository")
        .containsKeys("Registry", "RepositoryUriHelloGo");
    // 4,600 bytes of JSON travel gzipped in the handlers' environment, and read back equal.
    String environment = rules.handlerEnvironment().get(DeclarationsReader.ENVIRONMENT_VARIABLE);
    assertThat(environment)
        .startsWith("gzip+base64:")
        .hasSizeLessThanOrEqualTo(DeclarationsReader.ENVIRONMENT_BUDGET);
    assertThat(DeclarationsReader.fromEnvironment(environment, "SLIPWAY_SERVICES"))
        .isEqualTo(declared);
    // The deploy grants and image reads once, shared by the handlers' roles: no handler role's own
    // policy overflows into managed policies of its own (CDK's "Part of the policies for ...").
    assertThat(t.findResources("AWS::IAM::ManagedPolicy").values())
        .map(p -> ((Map<?, ?>) p.get("Properties")).get("Description").toString())
        .filteredOn(d -> d.startsWith("Slipway: "))
        .hasSizeBetween(2, 8)
        .allMatch(d -> d.matches("Slipway: .* \\([0-9] of [0-9]\\)"));
    assertThat(t.findResources("AWS::IAM::ManagedPolicy").values())
        .map(p -> ((Map<?, ?>) p.get("Properties")).get("Description").toString())
        .noneMatch(d -> d.contains("/Handlers/"));
    assertThatThrownBy(() -> Stacks.pipeline(new App(), true, Stacks.drillDeclarations(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("managed policies on the Reconciler handler's role")
        .hasMessageEndingWith("IAM attaches at most 10: split the services across stacks");
  }

  @Test
  void deployGrants_nameExactlyTheDeclaredTargetsAndRoles_neverAStar() throws Exception {
    // architecture §5: one upload must not reach an ECS service, or pass a role, nobody declared.
    for (String action : List.of("ecs:UpdateService", "ecs:DescribeServices", "iam:PassRole")) {
      List<String> resources = resourcesGranting(template, action);
      assertThat(resources).as(action).isNotEmpty().noneMatch(r -> r.contains("*"));
    }
    // hello-go's one environment, and both of hello-staged's (staging, then production).
    assertThat(resourcesGranting(template, "ecs:UpdateService"))
        .allMatch(
            r ->
                r.contains(":service/slipway-demo/hello-go\"")
                    || r.contains(":service/slipway-demo/hello-staged-staging\"")
                    || r.contains(":service/slipway-demo/hello-staged\""))
        .anyMatch(r -> r.contains(":service/slipway-demo/hello-staged-staging\""))
        .anyMatch(r -> r.contains(":service/slipway-demo/hello-staged\""));
    assertThat(resourcesGranting(template, "iam:PassRole"))
        .allMatch(r -> r.matches(".*:role/slipway-hello-(go|staged)-(task|execution)\"\\]\\]\\}"));
  }

  @Test
  void eachDeclaredService_hasItsOwnRepository_andItsPushesAndScansAreRouted() throws Exception {
    Declarations two =
        DeclarationsReader.read(
            "{\"floor\": {\"block\": [\"CRITICAL\"], \"approve\": [\"HIGH\", \"MEDIUM\"]},"
                + " \"approvers\": \"arn:aws:iam::210987654321:user/dana\","
                + " \"services\": [{\"name\": \"hello-go\", \"environments\": [{\"name\": \"prod\","
                + " \"cluster\": \"c1\"}]}, {\"name\": \"billing\", \"environments\":"
                + " [{\"name\": \"staging\", \"cluster\": \"c2\"}, {\"name\": \"prod\","
                + " \"cluster\": \"c3\", \"taskRole\": \"billing-task\"}]}]}",
            "test");
    var p = Stacks.props(false);
    Template t =
        Template.fromStack(
            Stacks.pipeline(
                new App(),
                "Two",
                new SlipwayPipelineStack.PipelineProps(
                    p.functionsJar(),
                    p.cliJar(),
                    p.bucketName(),
                    two,
                    p.compileProject(),
                    p.imageProject(),
                    true,
                    p.alarmServices(),
                    p.reconcileMinutes(),
                    p.retentionDays())));
    // The hostile-steering drill runs slipway local on this one (HostileSteeringIT).
    Stacks.write("SlipwayPipelineTwoServices", t);
    t.resourceCountIs("AWS::ECR::Repository", 2);
    t.hasResourceProperties(
        "AWS::ECR::Repository", Match.objectLike(Map.of("RepositoryName", "slipway/billing")));
    rulePattern(
        t,
        "Slipway: ImagePushed",
        Map.of(
            "detail",
            Match.objectLike(
                Map.of("repository-name", List.of("slipway/hello-go", "slipway/billing")))));
    assertThat(resourcesGranting(t, "ecs:UpdateService").stream().distinct())
        .hasSize(3)
        .anyMatch(r -> r.contains(":service/c2/billing\""))
        .anyMatch(r -> r.contains(":service/c3/billing\""))
        .noneMatch(r -> r.contains("*"));
    assertThat(resourcesGranting(t, "iam:PassRole").stream().distinct())
        .hasSize(1)
        .allMatch(r -> r.contains(":role/billing-task\""));
  }

  @Test
  void steering_isAnIamAuthenticatedFunctionUrl_grantedToTheApproversOnly() {
    template.hasResourceProperties(
        "AWS::Lambda::Url", Match.objectLike(Map.of("AuthType", "AWS_IAM")));
    // Since October 2025 a function URL needs both actions granted (Lambda's documentation).
    template.hasResourceProperties(
        "AWS::Lambda::Permission",
        Match.objectLike(
            Map.of(
                "Action", "lambda:InvokeFunctionUrl",
                "FunctionUrlAuthType", "AWS_IAM",
                "Principal", Match.anyValue())));
    template.hasOutput("SteeringUrl", Match.anyValue());
    // Slipway's own events reach people (the notification topic), never a step: none decides.
    for (var rule :
        template
            .findResources(
                "AWS::Events::Rule",
                Map.of(
                    "Properties",
                    Map.of("EventPattern", Match.objectLike(Map.of("source", List.of("slipway"))))))
            .entrySet()) {
      assertThat(rule.getKey()).startsWith("Notify");
      assertThat(rule.getValue().toString())
          .contains("ReleaseNotifications")
          .doesNotContain("Queue");
    }
  }

  @Test
  void iam_neverGrantsActionStar_andResourceStarOnlyWhereAwsAllowsNothingNarrower() {
    Set<String> allowedOnStar =
        Set.of(
            "ecr:GetAuthorizationToken",
            "inspector2:ListFindings",
            "cloudwatch:DescribeAlarms",
            "ecs:RegisterTaskDefinition",
            "ecs:DescribeTaskDefinition",
            "ecs:ListTaskDefinitions",
            "ecs:TagResource");
    List<String> offending = new ArrayList<>();
    for (Map<?, ?> statement : statements(template)) {
      List<?> actions =
          statement.get("Action") instanceof List<?> l ? l : List.of(statement.get("Action"));
      List<?> resources =
          statement.get("Resource") instanceof List<?> l ? l : List.of(statement.get("Resource"));
      if (actions.contains("*")) {
        offending.add("Action * in " + statement);
      }
      if (resources.contains("*") && !allowedOnStar.containsAll(actions)) {
        offending.add("Resource * for " + actions);
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void enhancedScanning_isTheDefault_andRoutesInspectorScansByRepositoryArn() {
    Template enhanced =
        Template.fromStack(
            Stacks.pipeline(
                new App(),
                "Defaults",
                SlipwayPipelineStack.PipelineProps.defaults(
                    Stacks.props(true).functionsJar(),
                    Stacks.props(true).cliJar(),
                    Stacks.SERVICES)));
    enhanced.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "EventPattern",
                Match.objectLike(
                    Map.of(
                        "source", List.of("aws.inspector2"),
                        "detail",
                            Map.of(
                                "repository-name",
                                List.of(
                                    Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue())),
                                    Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue())))))))));
    enhanced.hasResourceProperties(
        "AWS::ECR::Repository",
        Match.objectLike(Map.of("ImageScanningConfiguration", Map.of("ScanOnPush", false))));
  }

  @Test
  void props_refuseBadValuesWithTheFieldAndValue() {
    assertThatThrownBy(() -> new ImageRepository.Props("Bad Name", false, 50))
        .hasMessage("repositoryName 'Bad Name' is not a valid ECR name");
    assertThatThrownBy(() -> new SourceBucket.Props("UPPER", 30))
        .hasMessage("bucketName 'UPPER' is not a valid S3 bucket name");
    assertThatThrownBy(
            () ->
                new SlipwayPipelineStack.PipelineProps(
                    Path.of("x.jar"),
                    Path.of("/nope/slipway.jar"),
                    null,
                    Stacks.SERVICES,
                    "a",
                    "b",
                    false,
                    Map.of(),
                    5,
                    30))
        .hasMessage("cliJar /nope/slipway.jar does not exist (build the cli module first)");
    assertThatThrownBy(() -> Stacks.props(false).alarmServices().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void releaseNotifications_goToAnEncryptedTopicEventBridgeMayUse_andStuckReleasesAlarm() {
    Template withSubscribers =
        Template.fromStack(
            Stacks.pipeline(
                new App(),
                "Notified",
                new SlipwayPipelineStack.PipelineProps(
                    Stacks.props(true).functionsJar(),
                    Stacks.props(true).cliJar(),
                    null,
                    Stacks.SERVICES,
                    "slipway-compile",
                    "slipway-image",
                    true,
                    Map.of(),
                    5,
                    30,
                    List.of("oncall@example.com"))));
    withSubscribers.hasResourceProperties(
        "AWS::SNS::Subscription",
        Map.of(
            "Protocol", "email",
            "Endpoint", "oncall@example.com",
            "TopicArn", Map.of("Ref", Match.stringLikeRegexp("ReleaseNotifications.*"))));
    // The topic's key lets EventBridge publish (an encrypted topic drops its events otherwise).
    template.hasResourceProperties(
        "AWS::SNS::Topic",
        Match.objectLike(
            Map.of(
                "DisplayName",
                "Slipway releases",
                "KmsMasterKeyId",
                Map.of(
                    "Fn::GetAtt", List.of(Match.stringLikeRegexp("NotificationKey.*"), "Arn")))));
    template.hasResourceProperties(
        "AWS::KMS::Key",
        Match.objectLike(
            Map.of(
                "Description",
                "Slipway release notifications",
                "KeyPolicy",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"),
                                        "Principal",
                                            Map.of("Service", "events.amazonaws.com"))))))))));
    template.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "EventPattern",
                    Map.of(
                        "source", List.of("slipway"), "detail-type", List.of("Approval Requested")),
                "Targets",
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Arn",
                                    Map.of("Ref", Match.stringLikeRegexp("ReleaseNotifications.*")),
                                "InputTransformer",
                                    Match.objectLike(
                                        Map.of(
                                            "InputTemplate",
                                            Match.stringLikeRegexp(
                                                ".*waits for approval.*slipway approve\\|reject.*")))))))));
    template.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "EventPattern",
                Map.of(
                    "source", List.of("slipway"),
                    "detail-type",
                        List.of(
                            "Release Blocked",
                            "Release Failed",
                            "Release Rolled Back",
                            "Release Live")))));
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Namespace",
                "AWS/Events",
                "MetricName",
                "MatchedEvents",
                "Dimensions",
                List.of(
                    Map.of(
                        "Name",
                        "RuleName",
                        "Value",
                        Map.of("Ref", Match.stringLikeRegexp("NotifyStuckRule.*")))),
                "Threshold",
                1)));
  }

  @Test
  void alarmTopicKey_letsCloudWatchPublish() {
    // The topic's own key must grant CloudWatch, or every alarm publishes nothing (finding 8).
    Capture key = new Capture();
    template.hasResourceProperties(
        "AWS::SNS::Topic", Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(key, "Arn"))));
    Map<String, Object> keyResource = template.findResources("AWS::KMS::Key").get(key.asString());
    assertThat(keyResource).as("the topic's key " + key.asString()).isNotNull();
    String policy = String.valueOf(((Map<?, ?>) keyResource.get("Properties")).get("KeyPolicy"));
    assertThat(policy)
        .contains("cloudwatch.amazonaws.com")
        .contains("kms:Decrypt")
        .contains("kms:GenerateDataKey*");
    for (var other : template.findResources("AWS::KMS::Key").entrySet()) {
      if (!other.getKey().equals(key.asString())) {
        assertThat(String.valueOf(other.getValue()))
            .as("no other key grants CloudWatch (an unused grant)")
            .doesNotContain("cloudwatch.amazonaws.com");
      }
    }
  }

  @Test
  void sourcesExpireByAge_andOldLedgerVersionsExpire() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "LifecycleConfiguration",
            Map.of(
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Id", "old-sources",
                                "Prefix", "sources/",
                                "ExpirationInDays", 30)),
                        Match.objectLike(
                            Map.of(
                                "Id",
                                "old-ledger-versions",
                                "Prefix",
                                "ledger/",
                                "NoncurrentVersionExpiration",
                                Map.of("NoncurrentDays", 30))))))));
  }
}
