package dev.slipway.infra;

import dev.slipway.release.Declarations;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.AlarmBehavior;
import software.amazon.awscdk.services.ecs.AlternateTarget;
import software.amazon.awscdk.services.ecs.AlternateTargetProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentAlarmConfig;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.ListenerRuleConfiguration;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationActionProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.elasticloadbalancingv2.WeightedTargetGroup;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.constructs.Construct;

/**
 * A demo (or starting) ECS service for Slipway to deploy to: a VPC, a cluster, and a Fargate
 * service behind an ALB running an image pinned by digest, with container and target-group health
 * checks on the manifest's paths, the deployment circuit breaker with rollback, CloudWatch alarms
 * (target 5xx, unhealthy hosts) wired into the deployment, 100/200 healthy percent, and a grace
 * period. Its alarm names are outputs for the pipeline's {@code alarmServices}.
 *
 * <p>Why this is long: the demo service (cluster, task definition, roles, load balancer, alarms) is
 * one stack, in the order a reader deploys it.
 */
public final class SlipwayServiceStack extends Stack {
  /** Validated props; the image must be pinned by digest, as every Slipway deploy is. */
  public record ServiceProps(
      String serviceName,
      String image,
      int port,
      String livenessPath,
      String readinessPath,
      int gracePeriodSeconds,
      int desiredCount,
      boolean arm64,
      String clusterName,
      String pipelineRepository,
      String taskRoleName,
      String executionRoleName) {
    public ServiceProps {
      Objects.requireNonNull(serviceName, "serviceName");
      if (!serviceName.matches("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "serviceName '" + serviceName + "' is not a service name");
      }
      if (image == null || !image.matches("[^@\\s]+@sha256:[a-f0-9]{64}")) {
        throw new IllegalArgumentException(
            "image '" + image + "' is not pinned by digest (repo@sha256:<64 hex>)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
      }
      for (String path : new String[] {livenessPath, readinessPath}) {
        if (path == null || !path.matches("/[A-Za-z0-9._~/-]{0,254}")) {
          throw new IllegalArgumentException("health path '" + path + "' is not an HTTP path");
        }
      }
      if (desiredCount < 1 || desiredCount > 100) {
        throw new IllegalArgumentException("desiredCount " + desiredCount + " must be 1..100");
      }
      if (clusterName == null || !clusterName.matches("[A-Za-z0-9_-]{1,255}")) {
        throw new IllegalArgumentException(
            "clusterName '" + clusterName + "' is not a cluster name");
      }
      Objects.requireNonNull(pipelineRepository, "pipelineRepository");
      for (String role : new String[] {taskRoleName, executionRoleName}) {
        if (role == null || !role.matches("[\\w+=,.@-]{1,64}")) {
          throw new IllegalArgumentException("role name '" + role + "' is not an IAM role name");
        }
      }
    }

    /**
     * A declared service's first environment: its cluster and service, its repository, and its
     * declared roles by name (so the deploy's PassRole, scoped to them, may pass them on).
     */
    public static ServiceProps of(Declarations.Service service, String image) {
      Declarations.Environment environment = service.first();
      return new ServiceProps(
          environment.service(),
          image,
          8080,
          "/healthz",
          "/readyz",
          30,
          2,
          true,
          environment.cluster(),
          service.repository(),
          roleName(environment.taskRole(), environment.service() + "-task"),
          roleName(environment.executionRole(), environment.service() + "-execution"));
    }

    private static String roleName(String declared, String fallback) {
      String name = declared == null ? "slipway-" + fallback : declared;
      return name.substring(name.lastIndexOf('/') + 1);
    }

    /** The cluster examples/hello-go/slipway.json deploys to. */
    public static final String DEMO_CLUSTER = "slipway-demo";

    /**
     * hello-go's defaults: its manifest's port, paths and cluster; {@code pipelineRepository} is
     * the pipeline's repository, where every image Slipway deploys to it comes from.
     */
    public static ServiceProps helloGo(String image, String pipelineRepository) {
      return new ServiceProps(
          "hello-go",
          image,
          8080,
          "/healthz",
          "/readyz",
          30,
          2,
          true,
          DEMO_CLUSTER,
          pipelineRepository,
          "slipway-hello-go-task",
          "slipway-hello-go-execution");
    }
  }

  private final FargateService service;

  public SlipwayServiceStack(
      Construct scope, String id, StackProps stackProps, ServiceProps props) {
    super(scope, id, stackProps);
    getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    // Statements that differ only in resources merged into one (what cdk.json sets too, here so
    // that every app synthesizing this stack, the tests' included, gets the same template): with
    // a statement per repository, 200 services' grants made a 1.2 MB template, over
    // CloudFormation's 1 MB.
    getNode().setContext("@aws-cdk/aws-iam:minimizePolicies", true);
    Vpc vpc =
        Vpc.Builder.create(this, "Vpc")
            .maxAzs(2)
            .natGateways(0)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(24)
                        .build()))
            .flowLogs(
                Map.of(
                    "all",
                    FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs())
                        .build()))
            .build();
    Cluster cluster =
        Cluster.Builder.create(this, "Cluster")
            // Named as the service's manifest names it (deploy.cluster): a generated name would
            // leave every deploy with "service does not exist".
            .clusterName(props.clusterName())
            .vpc(vpc)
            .containerInsightsV2(ContainerInsights.ENABLED)
            .build();

    FargateTaskDefinition task =
        FargateTaskDefinition.Builder.create(this, "Task")
            .cpu(256)
            .memoryLimitMiB(512)
            .family(props.serviceName())
            // Named as declared: the pipeline's deploy may pass exactly these roles on.
            .taskRole(
                Role.Builder.create(this, "TaskRole")
                    .roleName(props.taskRoleName())
                    .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                    .build())
            .executionRole(
                Role.Builder.create(this, "ExecutionRole")
                    .roleName(props.executionRoleName())
                    .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                    .build())
            .runtimePlatform(
                RuntimePlatform.builder()
                    .cpuArchitecture(props.arm64() ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64)
                    .operatingSystemFamily(OperatingSystemFamily.LINUX)
                    .build())
            .build();
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    // Slipway deploys images from the pipeline's repository, pinned by digest: the execution role
    // must pull from it, not only from the first image's repository.
    Repository.fromRepositoryName(this, "PipelineRepository", props.pipelineRepository())
        .grantPull(task.obtainExecutionRole());
    task.addContainer(
        props.serviceName(),
        ContainerDefinitionOptions.builder()
            .containerName(props.serviceName())
            .image(image(props.image()))
            .portMappings(List.of(PortMapping.builder().containerPort(props.port()).build()))
            .environment(Map.of("PORT", Integer.toString(props.port())))
            .readonlyRootFilesystem(true)
            // Scratch images have no shell: the service binary checks itself (hello-go:
            // -healthcheck).
            .healthCheck(
                HealthCheck.builder()
                    .command(List.of("CMD", "/" + props.serviceName(), "-healthcheck"))
                    .interval(Duration.seconds(10))
                    .timeout(Duration.seconds(3))
                    .retries(3)
                    .startPeriod(Duration.seconds(props.gracePeriodSeconds()))
                    .build())
            .logging(
                LogDriver.awsLogs(
                    AwsLogDriverProps.builder()
                        .logGroup(logs)
                        .streamPrefix(props.serviceName())
                        .build()))
            .build());

    Bucket albLogs =
        Bucket.Builder.create(this, "LoadBalancerLogs")
            .encryption(BucketEncryption.S3_MANAGED)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .enforceSsl(true)
            .build();
    SecurityGroup albSecurity =
        SecurityGroup.Builder.create(this, "LoadBalancerSecurity")
            .vpc(vpc)
            .allowAllOutbound(true)
            .build();
    albSecurity.addIngressRule(Peer.anyIpv4(), Port.tcp(80), "public HTTP for the demo service");
    ApplicationLoadBalancer alb =
        ApplicationLoadBalancer.Builder.create(this, "LoadBalancer")
            .vpc(vpc)
            .internetFacing(true)
            .securityGroup(albSecurity)
            .dropInvalidHeaderFields(true)
            .build();
    alb.logAccessLogs(albLogs, "alb");

    SecurityGroup taskSecurity =
        SecurityGroup.Builder.create(this, "TaskSecurity").vpc(vpc).allowAllOutbound(true).build();
    taskSecurity.addIngressRule(
        albSecurity, Port.tcp(props.port()), "only the load balancer reaches the tasks");

    var listener =
        alb.addListener(
            "Http", BaseApplicationListenerProps.builder().port(80).open(false).build());
    service =
        FargateService.Builder.create(this, "Service")
            .serviceName(props.serviceName())
            .cluster(cluster)
            .taskDefinition(task)
            .desiredCount(props.desiredCount())
            .assignPublicIp(true) // public subnets and no NAT: the tasks pull from ECR directly
            .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
            .securityGroups(List.of(taskSecurity))
            .minHealthyPercent(100)
            .maxHealthyPercent(200)
            .healthCheckGracePeriod(Duration.seconds(props.gracePeriodSeconds()))
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            // The alarms below, by their fixed names, roll a deployment back when they fire.
            .deploymentAlarms(
                DeploymentAlarmConfig.builder()
                    .alarmNames(
                        List.of(props.serviceName() + "-5xx", props.serviceName() + "-unhealthy"))
                    .behavior(AlarmBehavior.ROLLBACK_ON_ALARM)
                    .build())
            .build();
    // Two target groups and the production listener rule between them: ECS's blue/green, linear
    // and canary strategies (which a release's environment may choose, architecture §5) shift
    // the rule's weights from the one serving to the other; a rolling update uses the first.
    ApplicationTargetGroup targets = targetGroup("Blue", vpc, props);
    ApplicationTargetGroup green = targetGroup("Green", vpc, props);
    listener.addAction(
        "Default",
        AddApplicationActionProps.builder()
            .action(ListenerAction.forward(List.of(targets)))
            .build());
    ApplicationListenerRule production =
        ApplicationListenerRule.Builder.create(this, "ProductionRule")
            .listener(listener)
            .priority(1)
            .conditions(List.of(ListenerCondition.pathPatterns(List.of("/*"))))
            .action(
                ListenerAction.weightedForward(
                    List.of(
                        WeightedTargetGroup.builder().targetGroup(targets).weight(100).build(),
                        WeightedTargetGroup.builder().targetGroup(green).weight(0).build())))
            .build();
    service
        .loadBalancerTarget(
            LoadBalancerTargetOptions.builder()
                .containerName(props.serviceName())
                .containerPort(props.port())
                .alternateTarget(
                    new AlternateTarget(
                        "Green",
                        AlternateTargetProps.builder()
                            .alternateTargetGroup(green)
                            .productionListener(
                                ListenerRuleConfiguration.applicationListenerRule(production))
                            .build()))
                .build())
        .attachToApplicationTargetGroup(targets);
    NagSuppressions.addResourceSuppressionsByPath(
        this,
        "/" + getStackName() + "/Service/GreenRole/Resource",
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason(
                    "ECS's blue/green, linear and canary deployments change this stack's listener"
                        + " rule and target groups as this role, with the managed policy AWS"
                        + " documents for it (AmazonECSInfrastructureRolePolicyForLoadBalancers);"
                        + " only ecs.amazonaws.com may assume it.")
                .build()));

    // Both target groups' answers: during a shift the new revision serves from either.
    Alarm errors =
        alb.getMetrics()
            .httpCodeTarget(
                HttpCodeTarget.TARGET_5XX_COUNT,
                MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build())
            .createAlarm(
                this,
                "Target5xx",
                CreateAlarmOptions.builder()
                    .alarmName(props.serviceName() + "-5xx")
                    .threshold(5)
                    .evaluationPeriods(1)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
    // Unhealthy tasks in either target group (the new revision's, during a shift).
    Alarm unhealthy =
        MathExpression.Builder.create()
            .expression("blue + green")
            .usingMetrics(
                Map.of(
                    "blue",
                    targets
                        .getMetrics()
                        .unhealthyHostCount(
                            MetricOptions.builder()
                                .period(Duration.minutes(1))
                                .statistic("Maximum")
                                .build()),
                    "green",
                    green
                        .getMetrics()
                        .unhealthyHostCount(
                            MetricOptions.builder()
                                .period(Duration.minutes(1))
                                .statistic("Maximum")
                                .build())))
            .period(Duration.minutes(1))
            .build()
            .createAlarm(
                this,
                "UnhealthyHosts",
                CreateAlarmOptions.builder()
                    .alarmName(props.serviceName() + "-unhealthy")
                    .threshold(1)
                    .evaluationPeriods(2)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
    service.getNode().addDependency(errors, unhealthy);

    NagSuppressions.addStackSuppressions(
        this,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-EC23")
                .reason(
                    "The demo service's load balancer serves public HTTP on port 80; tasks accept only the load balancer.")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason(
                    "This bucket receives the load balancer's access logs; logging it to itself would loop.")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-ECS2")
                .reason("PORT is a plain setting, not a secret.")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "The execution role's log-stream and flow-log permissions are scoped by CDK to this stack's log groups.")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-ELB2")
                .reason(
                    "Access logging is on (logAccessLogs); the finding comes from the attribute's token form.")
                .build()));

    CfnOutput.Builder.create(this, "Url").value("http://" + alb.getLoadBalancerDnsName()).build();
    CheckovExemptions.applyToDemo(this);
    CfnOutput.Builder.create(this, "ClusterName").value(cluster.getClusterName()).build();
    CfnOutput.Builder.create(this, "ServiceName").value(service.getServiceName()).build();
    CfnOutput.Builder.create(this, "AlarmNames")
        .value(props.serviceName() + "-5xx," + props.serviceName() + "-unhealthy")
        .build();
  }

  /**
   * An ECR image becomes {@code fromEcrRepository} (so the execution role may pull it, by digest);
   * any other registry is pulled as is.
   */
  private ContainerImage image(String reference) {
    Matcher ecr =
        Pattern.compile(
                "\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/([^@]+)@(sha256:[a-f0-9]{64})")
            .matcher(reference);
    if (ecr.matches()) {
      return ContainerImage.fromEcrRepository(
          Repository.fromRepositoryName(this, "ImageRepository", ecr.group(1)), ecr.group(2));
    }
    return ContainerImage.fromRegistry(reference);
  }

  public FargateService service() {
    return service;
  }

  /** One of the service's two target groups: its tasks' port, probed on the readiness path. */
  private ApplicationTargetGroup targetGroup(String id, Vpc vpc, ServiceProps props) {
    return ApplicationTargetGroup.Builder.create(this, id)
        .vpc(vpc)
        .port(props.port())
        .protocol(ApplicationProtocol.HTTP)
        .targetType(TargetType.IP)
        .deregistrationDelay(Duration.seconds(15))
        .healthCheck(
            software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
                .path(props.readinessPath())
                .interval(Duration.seconds(10))
                .healthyThresholdCount(2)
                .unhealthyThresholdCount(3)
                .build())
        .build();
  }
}
