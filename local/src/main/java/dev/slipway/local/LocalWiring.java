package dev.slipway.local;

import dev.slipway.aws.AwsClients;
import dev.slipway.aws.Wiring;
import dev.slipway.engine.Pipeline;
import dev.slipway.handler.SlipwayHandler;
import dev.slipway.release.Declarations;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The template's resources made real in the emulator, for {@link LocalRuntime#start}: the declared
 * services (with task definitions passing the declared roles), the queues with their redrive
 * policies and the rules with their queue targets, and the handlers with the event source mappings
 * that feed them.
 */
final class LocalWiring {
  private LocalWiring() {}

  /**
   * Creates each declared environment's ECS service, its task definition passing the declared
   * roles, then each extra [CLUSTER/]NAME service (a bare name is in ECS's default cluster; not
   * declared, so a quick try's releases cannot deploy to it).
   */
  static void createServices(AwsClients aws, Declarations declared, List<String> extra) {
    Set<String> clusters = new HashSet<>();
    Set<String> created = new HashSet<>();
    for (Declarations.Service service : declared.services()) {
      for (Declarations.Environment environment : service.environments()) {
        // Every environment's task definition names its container after the declared service
        // (what a manifest's deploy.container defaults to), whatever its ECS service is called.
        createService(
            aws,
            clusters,
            environment.cluster(),
            environment.service(),
            service.name(),
            service.repository(),
            roleArn(environment.taskRole()),
            roleArn(environment.executionRole()),
            true);
        created.add(environment.target());
      }
    }
    for (String entry : extra) {
      // [CLUSTER/]NAME: a bare name is in ECS's default cluster.
      String cluster = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : "default";
      String service = entry.substring(entry.indexOf('/') + 1);
      if (created.add(cluster + "/" + service)) {
        createService(
            aws, clusters, cluster, service, service, LocalRuntime.REPOSITORY, null, null, false);
      }
    }
  }

  static String roleArn(String declared) {
    if (declared == null || declared.startsWith("arn:")) {
      return declared;
    }
    return "arn:aws:iam::" + LocalRuntime.ACCOUNT + ":role/" + declared;
  }

  static void createService(
      AwsClients aws,
      Set<String> clusters,
      String cluster,
      String service,
      String container,
      String repository,
      String taskRole,
      String executionRole,
      boolean balanced) {
    if (clusters.add(cluster)) {
      aws.ecs().createCluster(r -> r.clusterName(cluster));
    }
    // Deployment ids are the pass-through's (Rollouts), derived from the service and its task
    // definition, so they are the same after a restart and the ledger's links still match.
    String placeholder =
        LocalRuntime.ACCOUNT
            + ".dkr.ecr."
            + LocalRuntime.REGION
            + ".amazonaws.com/"
            + repository
            + "@sha256:"
            + "0".repeat(64);
    String td =
        aws.ecs()
            .registerTaskDefinition(
                r ->
                    r.family(service)
                        .taskRoleArn(taskRole)
                        .executionRoleArn(executionRole)
                        .networkMode("awsvpc")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .cpu("256")
                        .memory("512")
                        .containerDefinitions(
                            // As the service stack's: the binary checks itself (scratch has no
                            // shell).
                            c ->
                                c.name(container)
                                    .image(placeholder)
                                    .essential(true)
                                    // As the service stack's: the awslogs driver, one stream per
                                    // task (prefix/container/task-id); the local tasks' output
                                    // goes there (LogShipper), so `slipway logs` reads it.
                                    .logConfiguration(
                                        l ->
                                            l.logDriver("awslogs")
                                                .options(
                                                    Map.of(
                                                        "awslogs-group",
                                                        "/ecs/" + service,
                                                        "awslogs-region",
                                                        LocalRuntime.REGION,
                                                        "awslogs-stream-prefix",
                                                        service)))
                                    .healthCheck(
                                        h ->
                                            h.command("CMD", "/" + container, "-healthcheck")
                                                .interval(10)
                                                .timeout(3)
                                                .retries(3)
                                                .startPeriod(10))))
            .taskDefinition()
            .taskDefinitionArn();
    // A declared environment's service stands behind a load balancer as the service stack's does:
    // its target group, the alternate one ECS shifts traffic to in a blue/green, linear or canary
    // deployment, the production listener rule and the role ECS changes it as (EcsRules refuses
    // those strategies on a service without them, as ECS does). Extra services have none.
    String elb = "arn:aws:elasticloadbalancing:" + LocalRuntime.REGION + ":" + LocalRuntime.ACCOUNT;
    List<LoadBalancer> balancers =
        balanced
            ? List.of(
                LoadBalancer.builder()
                    .targetGroupArn(elb + ":targetgroup/" + service + "-blue/0000000000000001")
                    .containerName(container)
                    .containerPort(8080)
                    .advancedConfiguration(
                        a ->
                            a.alternateTargetGroupArn(
                                    elb + ":targetgroup/" + service + "-green/0000000000000002")
                                .productionListenerRule(
                                    elb
                                        + ":listener-rule/app/slipway-local/0000000000000003/"
                                        + "0000000000000004/0000000000000005")
                                .roleArn(
                                    "arn:aws:iam::"
                                        + LocalRuntime.ACCOUNT
                                        + ":role/slipway-local-ecs-load-balancers"))
                    .build())
            : List.of();
    aws.ecs()
        .createService(
            r ->
                r.cluster(cluster)
                    .serviceName(service)
                    .taskDefinition(td)
                    .desiredCount(1)
                    .loadBalancers(balancers));
  }

  /** The queues by name and each queue's dead-letter queue, by URL. */
  record Topology(Map<String, String> queueUrls, Map<String, String> deadLetterQueues) {}

  /**
   * The template's queues (with their redrive policies) and its rules with their queue targets, in
   * the emulator. Every rule delivers to a queue (architecture §2's topology, as on AWS), with the
   * template's receive counts before the dead-letter queue; visibility timeouts run
   * LocalRuntime.LOCAL_TIME_SCALE times faster here, as the reconciler's schedule does (see README,
   * fidelity).
   */
  static Topology createTopology(TemplateRules rules, SqsClient sqs, AwsClients aws) {
    Map<String, String> queueUrls = new LinkedHashMap<>();
    Map<String, String> deadLetterQueues = new LinkedHashMap<>();
    for (TemplateRules.QueueSpec spec : rules.queues()) {
      Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
      attributes.put(
          QueueAttributeName.VISIBILITY_TIMEOUT,
          Integer.toString(
              Math.max(1, spec.visibilityTimeoutSeconds() / LocalRuntime.LOCAL_TIME_SCALE)));
      if (spec.deadLetterQueue() != null) {
        attributes.put(
            QueueAttributeName.REDRIVE_POLICY,
            "{\"deadLetterTargetArn\":\"arn:aws:sqs:"
                + LocalRuntime.REGION
                + ":"
                + LocalRuntime.ACCOUNT
                + ":"
                + spec.deadLetterQueue()
                + "\",\"maxReceiveCount\":\""
                + spec.maxReceiveCount()
                + "\"}");
      }
      String url = sqs.createQueue(r -> r.queueName(spec.name()).attributes(attributes)).queueUrl();
      queueUrls.put(spec.name(), url);
    }
    for (TemplateRules.QueueSpec spec : rules.queues()) {
      if (spec.deadLetterQueue() != null) {
        deadLetterQueues.put(queueUrls.get(spec.name()), queueUrls.get(spec.deadLetterQueue()));
      }
    }
    for (TemplateRules.RuleSpec rule : rules.queueRules()) {
      aws.events().putRule(r -> r.name(rule.name()).eventPattern(rule.pattern().toString()));
      aws.events()
          .putTargets(
              r ->
                  r.rule(rule.name())
                      .targets(
                          t ->
                              t.id("queue")
                                  .arn(
                                      "arn:aws:sqs:"
                                          + LocalRuntime.REGION
                                          + ":"
                                          + LocalRuntime.ACCOUNT
                                          + ":"
                                          + rule.queue())));
    }
    return new Topology(queueUrls, deadLetterQueues);
  }

  /**
   * Each handler is the class its function's Handler names, with its function's environment, and
   * calls "AWS" as its function's role.
   */
  static Map<String, SlipwayHandler> handlers(
      TemplateRules rules, IamEnforcer iam, Map<String, String> env, PrintStream log)
      throws Exception {
    Map<String, SlipwayHandler> handlerByFunction = new LinkedHashMap<>();
    for (TemplateRules.Function function : rules.functions()) {
      String accessKey = "LOCALROLE" + function.logicalId().toUpperCase(Locale.ROOT);
      iam.register(
          accessKey,
          new IamEnforcer.Principal(function.logicalId(), function.roleName(), function.roleArn()),
          function.policies());
      Map<String, String> functionEnv = new HashMap<>(function.environment());
      for (String local :
          List.of(
              "AWS_REGION",
              "AWS_ENDPOINT_URL",
              "AWS_ENDPOINT_URL_CODEBUILD",
              "SLIPWAY_STUCK_AFTER_SECONDS",
              "SLIPWAY_CLAIM_TTL_SECONDS",
              "SLIPWAY_DOCKERFILE_REFUSAL")) {
        functionEnv.put(local, env.get(local));
      }
      Pipeline pipeline =
          Wiring.pipeline(
              functionEnv,
              Clock.systemUTC(),
              StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "local")));
      handlerByFunction.put(function.logicalId(), handler(function.handlerClass(), pipeline, log));
    }
    return handlerByFunction;
  }

  /** Which handler reads which queue, in batches of what size; the scheduled reconciler. */
  record Mapped(
      Map<String, SlipwayHandler> handlerByQueue,
      Map<String, Integer> batchSizes,
      SlipwayHandler reconciler) {}

  /**
   * The event source mappings: each queue's messages go to the function the template maps it to, in
   * batches of the mapping's size, with partial batch failures.
   */
  static Mapped map(
      TemplateRules rules,
      Map<String, SlipwayHandler> handlerByFunction,
      Map<String, String> queueUrls) {
    Map<String, SlipwayHandler> handlerByQueue = new LinkedHashMap<>();
    Map<String, Integer> batchSizes = new LinkedHashMap<>();
    String scheduleQueue = rules.scheduleQueue().orElse(null);
    SlipwayHandler reconciler = null;
    for (TemplateRules.MappingSpec mapping : rules.mappings()) {
      // TemplateRules.validate has refused mappings to other functions or without partial failures
      SlipwayHandler handler = handlerByFunction.get(mapping.function());
      if (mapping.queue().equals(scheduleQueue)) {
        // The schedule is a timer here (the loop below), not a queue: rate(N minutes) every 5 s.
        reconciler = handler;
        continue;
      }
      handlerByQueue.put(queueUrls.get(mapping.queue()), handler);
      batchSizes.put(queueUrls.get(mapping.queue()), mapping.batchSize());
    }
    return new Mapped(handlerByQueue, batchSizes, reconciler);
  }

  /** The handler class a function's Handler names, built with that function's pipeline. */
  static SlipwayHandler handler(String className, Pipeline pipeline, PrintStream log)
      throws ReflectiveOperationException {
    Class<?> type = Class.forName(className);
    if (!SlipwayHandler.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(className + " is not a Slipway handler");
    }
    return (SlipwayHandler)
        type.getConstructor(Pipeline.class, PrintStream.class).newInstance(pipeline, log);
  }
}
