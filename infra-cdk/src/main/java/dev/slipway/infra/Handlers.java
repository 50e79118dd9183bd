package dev.slipway.infra;

import dev.slipway.event.Step;
import dev.slipway.release.Declarations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
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
      List<IRepository> repositories,
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
      repositories = List.copyOf(repositories);
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
    // ReleaseEngine keeps a release's effects in its record until done (an outbox) and runs them in
    // whichever handler next applies an input to that release: any handler may start a build,
    // deploy or roll back. So every role holds the effects' grants. Found by slipway local's IAM
    // enforcement: first a BuildState handler deploying after a late build end; then, in the fault
    // drill, a SourceUploaded handler (a redelivered upload event) finishing the deploy a killed
    // handler had claimed.
    startBuilds(function, props);
    deploy(function, props);
    // And what each step itself reads.
    switch (name) {
      case "SourceUploaded" -> props.bucket().grantRead(function, "sources/*");
      // A failed compile's last lines, quoted in the release's reason.
      case "BuildState" -> props.bucket().grantRead(function, "builds/*/build-failure.log");
      case "ImagePushed", "Scan" -> readImages(function, props);
      case "Approval", "Deployment" -> {
        // the effects' grants only
      }
      case "Reconciler" -> {
        props.bucket().grantRead(function, "builds/*/build-failure.log");
        readImages(function, props);
        // An upload whose event was lost: listed and read as the upload's handler reads it
        // (grantRead's s3:List* on the bucket covers ListObjectVersions).
        props.bucket().grantRead(function, "sources/*");
      }
      default -> throw new IllegalStateException("no grants for " + name);
    }
  }

  /** Reads image manifests and scan findings of the pipeline's repository. */
  private static void readImages(Function function, Props props) {
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of("ecr:BatchGetImage", "ecr:DescribeImageScanFindings", "ecr:DescribeImages"))
            .resources(props.repositories().stream().map(IRepository::getRepositoryArn).toList())
            .build());
    // Enhanced scanning's findings and status are read from ECR too (DescribeImageScanFindings):
    // no Inspector permission, and none on "*".
  }

  private static void startBuilds(Function function, Props props) {
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of("codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"))
            .resources(
                List.of(
                    props.compileProjectArn(),
                    props.imageProjectArn(),
                    props.dockerfileProjectArn()))
            .build());
  }

  private void deploy(Function function, Props props) {
    Stack stack = Stack.of(this);
    // Exactly the declared targets (architecture §5): an upload cannot reach any other ECS service.
    List<Declarations.Environment> environments =
        props.services().services().stream().flatMap(s -> s.environments().stream()).toList();
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("ecs:DescribeServices", "ecs:UpdateService"))
            .resources(
                environments.stream()
                    .map(
                        e ->
                            stack.formatArn(
                                ArnComponents.builder()
                                    .service("ecs")
                                    .resource("service")
                                    .resourceName(e.cluster() + "/" + e.service())
                                    .build()))
                    .toList())
            .build());
    // RegisterTaskDefinition, DescribeTaskDefinition and ListTaskDefinitions (the deploy looks for
    // a revision an earlier attempt registered) accept no resource ARN; AWS allows only "*".
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of(
                    "ecs:RegisterTaskDefinition",
                    "ecs:DescribeTaskDefinition",
                    "ecs:ListTaskDefinitions",
                    "ecs:TagResource"))
            .resources(List.of("*"))
            .build());
    // Registering a clone passes the service's own task and execution roles on: only the declared
    // ones, and only to ECS tasks.
    List<String> roles =
        environments.stream()
            .flatMap(e -> Stream.of(e.taskRole(), e.executionRole()))
            .filter(Objects::nonNull)
            .distinct()
            .map(role -> roleArn(stack, role))
            .toList();
    if (!roles.isEmpty()) {
      function.addToRolePolicy(
          PolicyStatement.Builder.create()
              .actions(List.of("iam:PassRole"))
              .resources(roles)
              .conditions(
                  Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")))
              .build());
    }
    // DescribeAlarms has no resource-level permissions; read-only.
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("cloudwatch:DescribeAlarms"))
            .resources(List.of("*"))
            .build());
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
