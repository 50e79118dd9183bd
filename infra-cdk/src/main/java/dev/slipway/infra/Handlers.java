package dev.slipway.infra;

import dev.slipway.event.Step;
import dev.slipway.release.Declarations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * One Lambda per step, all from the functions jar (its path comes in through props; no Docker
 * bundling): java21 on arm64 with SnapStart, explicit memory and timeout, configuration through
 * environment variables, and grants scoped to what each step touches. Rules target the {@code live}
 * alias, because SnapStart applies to published versions.
 */
public final class Handlers extends Construct {
  /** Validated props. */
  public record Props(
      Path functionsJar,
      IBucket bucket,
      Declarations services,
      String compileProjectArn,
      String imageProjectArn,
      String dockerfileProjectArn,
      Map<String, String> environment,
      int memoryMb,
      Duration timeout) {
    public Props {
      Objects.requireNonNull(functionsJar, "functionsJar");
      if (!Files.isRegularFile(functionsJar)) {
        throw new IllegalArgumentException(
            "functionsJar " + functionsJar + " does not exist (build the functions module first)");
      }
      if (memoryMb < 512 || memoryMb > 10240) {
        throw new IllegalArgumentException(
            "memoryMb " + memoryMb + " must be 512..10240 for a Java handler");
      }
      environment = Map.copyOf(environment);
      Objects.requireNonNull(services, "services");
    }
  }

  private final Map<String, Function> functions = new LinkedHashMap<>();
  private final Duration timeout;
  private final Map<String, Alias> aliases = new LinkedHashMap<>();

  public Handlers(Construct scope, String id, Props props) {
    super(scope, id);
    this.timeout = props.timeout();
    Code code = Code.fromAsset(props.functionsJar().toString());
    for (Step step : Step.values()) {
      String name = step.functionName();
      LogGroup logs =
          LogGroup.Builder.create(this, name + "Logs").retention(RetentionDays.ONE_MONTH).build();
      Function function =
          Function.Builder.create(this, name)
              .description("Slipway " + name + " step")
              .runtime(Runtime.JAVA_21)
              .architecture(Architecture.ARM_64)
              .handler(step.handlerClass() + "::handleRequest")
              .code(code)
              .memorySize(props.memoryMb())
              .timeout(props.timeout())
              .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
              .environment(props.environment())
              .logGroup(logs)
              .build();
      // SnapStart applies to the version the live alias publishes below.
      Annotations.of(function)
          .acknowledgeWarning(
              "@aws-cdk/aws-lambda:snapStartRequirePublish", "published through the live alias");
      functions.put(name, function);
      aliases.put(
          name,
          Alias.Builder.create(this, name + "Live")
              .aliasName("live")
              .version(function.getCurrentVersion())
              .build());
      grant(name, function, props);
    }
    shareGrants(props);
    // A person's decisions come only through this URL (architecture §5): Lambda authenticates the
    // caller (SigV4, AuthType AWS_IAM) and its resource policy names who may steer, a permission
    // apart from uploading; the handler records the caller ARN Lambda passes.
    steeringUrl =
        aliases
            .get(Step.APPROVAL.functionName())
            .addFunctionUrl(
                FunctionUrlOptions.builder().authType(FunctionUrlAuthType.AWS_IAM).build());
    steeringUrl.grantInvokeUrl(
        props.services().approvers() == null
            ? new AccountRootPrincipal()
            : new ArnPrincipal(props.services().approvers()));
  }

  private final FunctionUrl steeringUrl;

  /** Where `slipway approve` and `reject` send their signed requests. */
  public FunctionUrl steeringUrl() {
    return steeringUrl;
  }

  private void grant(String name, Function function, Props props) {
    // Every step reads and writes the ledger and publishes Slipway's events.
    props.bucket().grantReadWrite(function, "ledger/*");
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("events:PutEvents"))
            .resources(
                List.of(
                    Stack.of(this)
                        .formatArn(
                            ArnComponents.builder()
                                .service("events")
                                .resource("event-bus")
                                .resourceName("default")
                                .build())))
            .build());
    // And what each step itself reads (the effects' grants and the image reads are shared:
    // shareGrants).
    switch (name) {
      case "SourceUploaded" -> props.bucket().grantRead(function, "sources/*");
      // A failed compile's last lines, quoted in the release's reason.
      case "BuildState" -> props.bucket().grantRead(function, "builds/*/build-failure.log");
      case "ImagePushed", "Scan", "Approval", "Deployment" -> {
        // the shared grants only
      }
      case "Reconciler" -> {
        props.bucket().grantRead(function, "builds/*/build-failure.log");
        // An upload whose event was lost: listed and read as the upload's handler reads it
        // (grantRead's s3:List* on the bucket covers ListObjectVersions).
        props.bucket().grantRead(function, "sources/*");
      }
      default -> throw new IllegalStateException("no grants for " + name);
    }
  }

  /** IAM attaches at most this many managed policies to a role (20 with a quota increase). */
  static final int MANAGED_POLICIES_PER_ROLE = 10;

  /** Steps that read images and their scan findings. */
  static final List<Step> READ_IMAGES = List.of(Step.IMAGE_PUSHED, Step.SCAN, Step.RECONCILER);

  /**
   * The grants several roles hold, each packed once into managed policies attached to all of them
   * ({@link PolicyPacker}): the effects' to every handler, the image reads to {@link #READ_IMAGES}.
   */
  private void shareGrants(Props props) {
    // ReleaseEngine keeps a release's effects in its record until done (an outbox) and runs them in
    // whichever handler next applies an input to that release: any handler may start a build,
    // deploy or roll back. So every role holds the effects' grants. Found by slipway local's IAM
    // enforcement: first a BuildState handler deploying after a late build end; then, in the fault
    // drill, a SourceUploaded handler (a redelivered upload event) finishing the deploy a killed
    // handler had claimed.
    List<IRole> all = functions.values().stream().map(Function::getRole).toList();
    List<ManagedPolicy> effects =
        PolicyPacker.attach(
            this, "Effects", "Slipway: every handler's effects", effectGrants(props), all);
    List<IRole> readers =
        READ_IMAGES.stream().map(s -> functions.get(s.functionName()).getRole()).toList();
    List<ManagedPolicy> images =
        PolicyPacker.attach(
            this,
            "ReadImages",
            "Slipway: image manifests and scan findings",
            List.of(readImages(props)),
            readers);
    // Each role's own AWS managed policy (AWSLambdaBasicExecutionRole) and the shared ones must
    // stay within IAM's limit, or CloudFormation fails mid-way (CDK's overflow of a role's own
    // policy comes on top: slipway local counts it all, TemplateQuotas).
    int most = 1 + effects.size() + images.size();
    if (most > MANAGED_POLICIES_PER_ROLE) {
      throw new IllegalArgumentException(
          "the declared services need "
              + most
              + " managed policies on the "
              + Step.RECONCILER.functionName()
              + " handler's role ("
              + effects.size()
              + " for the deploy grants, "
              + images.size()
              + " for the image reads); IAM attaches at most "
              + MANAGED_POLICIES_PER_ROLE
              + ": split the services across stacks");
    }
  }

  /** Reads image manifests and scan findings of the declared services' repositories. */
  private PolicyPacker.Grant readImages(Props props) {
    // Enhanced scanning's findings and status are read from ECR too (DescribeImageScanFindings):
    // no Inspector permission, and none on "*".
    return new PolicyPacker.Grant(
        List.of("ecr:BatchGetImage", "ecr:DescribeImageScanFindings", "ecr:DescribeImages"),
        Map.of(),
        props.services().services().stream()
            .map(s -> regional("ecr", "repository", s.repository()))
            .toList());
  }

  private List<PolicyPacker.Grant> effectGrants(Props props) {
    Stack stack = Stack.of(this);
    List<PolicyPacker.Grant> grants = new ArrayList<>();
    grants.add(
        new PolicyPacker.Grant(
            List.of("codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"),
            Map.of(),
            Stream.of(
                    props.compileProjectArn(),
                    props.imageProjectArn(),
                    props.dockerfileProjectArn())
                // a project's name is at most 255 characters
                .map(
                    arn ->
                        new PolicyPacker.Resource(
                            arn, PolicyPacker.arnLength("codebuild", true, "project/") + 255))
                .toList()));
    // Exactly the declared targets (architecture §5): an upload cannot reach any other ECS service.
    List<Declarations.Environment> environments =
        props.services().services().stream().flatMap(s -> s.environments().stream()).toList();
    grants.add(
        new PolicyPacker.Grant(
            List.of("ecs:DescribeServices", "ecs:UpdateService"),
            Map.of(),
            environments.stream()
                .map(e -> regional("ecs", "service", e.cluster() + "/" + e.service()))
                .toList()));
    // RegisterTaskDefinition, DescribeTaskDefinition and ListTaskDefinitions (the deploy looks for
    // a revision an earlier attempt registered) accept no resource ARN; AWS allows only "*". So
    // does DescribeAlarms (read-only).
    grants.add(
        new PolicyPacker.Grant(
            List.of(
                "ecs:RegisterTaskDefinition",
                "ecs:DescribeTaskDefinition",
                "ecs:ListTaskDefinitions",
                "ecs:TagResource",
                "cloudwatch:DescribeAlarms"),
            Map.of(),
            List.of(new PolicyPacker.Resource("*", 1))));
    // Registering a clone passes the service's own task and execution roles on: only the declared
    // ones, and only to ECS tasks.
    List<PolicyPacker.Resource> roles =
        environments.stream()
            .flatMap(e -> Stream.of(e.taskRole(), e.executionRole()))
            .filter(Objects::nonNull)
            .distinct()
            .map(
                role ->
                    role.startsWith("arn:")
                        ? new PolicyPacker.Resource(role, role.length())
                        : new PolicyPacker.Resource(
                            roleArn(stack, role),
                            PolicyPacker.arnLength("iam", false, "role/" + role)))
            .toList();
    if (!roles.isEmpty()) {
      grants.add(
          new PolicyPacker.Grant(
              List.of("iam:PassRole"),
              Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")),
              roles));
    }
    return grants;
  }

  /** This stack's ARN of a regional {@code service}'s {@code type}/{@code name}, and its length. */
  private PolicyPacker.Resource regional(String service, String type, String name) {
    return new PolicyPacker.Resource(
        Stack.of(this)
            .formatArn(
                ArnComponents.builder().service(service).resource(type).resourceName(name).build()),
        PolicyPacker.arnLength(service, true, type + "/" + name));
  }

  /** A declared role: its ARN as given, or this account's role of that name. */
  private static String roleArn(Stack stack, String role) {
    return role.startsWith("arn:")
        ? role
        : stack.formatArn(
            ArnComponents.builder()
                .service("iam")
                .region("")
                .resource("role")
                .resourceName(role)
                .build());
  }

  public Map<String, Function> functions() {
    return functions;
  }

  public Map<String, Alias> aliases() {
    return aliases;
  }

  /** Every handler's timeout (queues' visibility timeouts follow from it). */
  public Duration timeout() {
    return timeout;
  }
}
