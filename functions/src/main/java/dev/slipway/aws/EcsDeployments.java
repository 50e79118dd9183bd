package dev.slipway.aws;

import dev.slipway.engine.Deployments;
import dev.slipway.engine.Refused;
import dev.slipway.engine.Unavailable;
import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CanaryConfiguration;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.LinearConfiguration;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Deployments by ECS: a new revision of the service's task definition with the release's image
 * (everything else, roles included, as the running revision has it), then UpdateService, whose
 * rolling deployment and circuit breaker ECS runs. Safe to repeat: an image already on the service
 * is not registered again, and a revision an earlier attempt registered is found and reused.
 *
 * <p>{@code ecsOnce}: the same API without the SDK's retries, for the two calls that are not
 * idempotent (RegisterTaskDefinition, UpdateService).
 */
public record EcsDeployments(Supplier<EcsClient> ecs, Supplier<EcsClient> ecsOnce)
    implements Deployments {
  public EcsDeployments(EcsClient ecs, EcsClient ecsOnce) {
    this(() -> ecs, () -> ecsOnce);
  }

  @Override
  public String rollBack(Release release, String cluster, String service, String taskDefinitionArn)
      throws Unavailable, Refused {
    try {
      // Idempotent: a service already on the revision starts no new deployment.
      Service updated =
          ecs.get()
              .updateService(
                  r -> r.cluster(cluster).service(service).taskDefinition(taskDefinitionArn))
              .service();
      return primaryDeployment(updated).map(Deployment::id).orElse(null);
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
  }

  @Override
  public Optional<Boolean> outcome(String cluster, String service, String deploymentId)
      throws Unavailable {
    try {
      return ecs
          .get()
          .describeServices(r -> r.cluster(cluster).services(service))
          .services()
          .stream()
          .flatMap(s -> s.deployments().stream())
          .filter(d -> d.id().equals(deploymentId))
          .findFirst()
          .flatMap(EcsDeployments::outcome);
    } catch (SdkException e) {
      throw AwsErrors.unavailable(e);
    }
  }

  private static Optional<Boolean> outcome(Deployment d) {
    String rollout = d.rolloutStateAsString();
    if ("COMPLETED".equals(rollout)) {
      return Optional.of(true);
    }
    if ("FAILED".equals(rollout)) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  @Override
  public Input.DeployStarted deploy(
      Release release, Effect.Deploy deploy, Declarations.Environment environment)
      throws Unavailable, Refused {
    try {
      return cloneAndUpdate(release, deploy, environment);
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
  }

  private Input.DeployStarted cloneAndUpdate(
      Release release, Effect.Deploy deploy, Declarations.Environment environment) throws Refused {
    Optional<Service> found =
        ecs
            .get()
            .describeServices(r -> r.cluster(deploy.cluster()).services(deploy.service()))
            .services()
            .stream()
            .findFirst();
    if (found.isEmpty() || "INACTIVE".equals(found.get().status())) {
      throw new Refused(
          "ECS service " + deploy.cluster() + "/" + deploy.service() + " does not exist");
    }
    Service service = found.get();
    String previousArn = service.taskDefinition();
    // The family's newest revision, by the family's name alone (issue 19): on a first attempt it
    // is the service's own, which so is read in the same call and shows that no earlier attempt
    // registered one; otherwise the service's own is read and the newer ones looked through.
    Optional<String> family = family(previousArn);
    TaskDefinition newest =
        ecs.get()
            .describeTaskDefinition(r -> r.taskDefinition(family.orElse(previousArn)))
            .taskDefinition();
    boolean newestIsTheServices = newest.taskDefinitionArn().equals(previousArn);
    TaskDefinition previous =
        newestIsTheServices
            ? newest
            : ecs.get().describeTaskDefinition(r -> r.taskDefinition(previousArn)).taskDefinition();
    Optional<ContainerDefinition> container =
        previous.containerDefinitions().stream()
            .filter(c -> c.name().equals(deploy.container()))
            .findFirst();
    if (container.isEmpty()) {
      throw new Refused(
          "task definition " + previousArn + " has no container named " + deploy.container());
    }
    if (deploy.image().equals(container.get().image())) {
      // A repeat of this effect after the service was updated: nothing to register again.
      String deploymentId = primaryDeployment(service).map(Deployment::id).orElse(null);
      String before =
          release.deployment() != null ? release.deployment().previousTaskDefinitionArn() : null;
      return new Input.DeployStarted(
          "deployed:" + release.id() + ":" + environment.name(), previousArn, before, deploymentId);
    }
    // The clone passes the service's roles on: only those declared for this environment (IAM
    // would refuse any other PassRole too; this says which and why).
    String roles =
        undeclaredRole("task role", previous.taskRoleArn(), environment.taskRole())
            + undeclaredRole(
                "execution role", previous.executionRoleArn(), environment.executionRole());
    if (!roles.isEmpty()) {
      throw new Refused(
          "task definition "
              + previousArn
              + roles
              + " not declared for "
              + release.service()
              + "'s environment "
              + environment.name());
    }
    List<ContainerDefinition> containers = new ArrayList<>();
    for (ContainerDefinition c : previous.containerDefinitions()) {
      containers.add(
          c.name().equals(deploy.container())
              ? withHealth(c.toBuilder().image(deploy.image()), c, release.config().health())
              : c);
    }
    RegisterTaskDefinitionRequest.Builder register =
        RegisterTaskDefinitionRequest.builder()
            .family(previous.family())
            .containerDefinitions(containers)
            .taskRoleArn(previous.taskRoleArn())
            .executionRoleArn(previous.executionRoleArn())
            .networkMode(previous.networkMode())
            .volumes(previous.volumes())
            .placementConstraints(previous.placementConstraints())
            .requiresCompatibilities(previous.requiresCompatibilities())
            // The manifest's task size (a pair Fargate allows, checked at upload), or the running
            // one.
            .cpu(
                release.config().deploy().cpu() != null
                    ? release.config().deploy().cpu().toString()
                    : previous.cpu())
            .memory(
                release.config().deploy().memory() != null
                    ? release.config().deploy().memory().toString()
                    : previous.memory())
            .runtimePlatform(previous.runtimePlatform())
            .ephemeralStorage(previous.ephemeralStorage())
            .pidMode(previous.pidMode())
            .ipcMode(previous.ipcMode())
            .proxyConfiguration(previous.proxyConfiguration())
            .tags(t -> t.key("slipway:release-id").value(release.id()));
    // An earlier attempt may have registered the revision and lost the answer: use that one.
    String newArn =
        (newestIsTheServices
                ? Optional.<String>empty()
                : registered(previous, deploy.container(), deploy.image()))
            .orElseGet(
                () ->
                    ecsOnce
                        .get()
                        .registerTaskDefinition(register.build())
                        .taskDefinition()
                        .taskDefinitionArn());
    // Once, without the SDK's retries, as RegisterTaskDefinition above: a retry after a lost
    // answer would update the service a second time. The effect's own retry reads the service
    // first and finds it updated (the branch above), so the deployment starts exactly once.
    DeploymentConfiguration configuration =
        deploymentConfiguration(service.deploymentConfiguration(), deploy);
    Service updated =
        ecsOnce
            .get()
            .updateService(
                r ->
                    r.cluster(deploy.cluster())
                        .service(deploy.service())
                        .taskDefinition(newArn)
                        .deploymentConfiguration(configuration))
            .service();
    String deploymentId = primaryDeployment(updated).map(Deployment::id).orElse(null);
    return new Input.DeployStarted(
        "deployed:" + release.id() + ":" + environment.name(), newArn, previousArn, deploymentId);
  }

  /**
   * The service's deployment configuration with the environment's strategy set (architecture §5):
   * everything else the service has (circuit breaker, alarms, healthy percents) is passed back as
   * it was, since an UpdateService that names a deployment configuration replaces it. Null when the
   * environment names no strategy: the service keeps its own.
   */
  static DeploymentConfiguration deploymentConfiguration(
      DeploymentConfiguration current, Effect.Deploy deploy) {
    Manifest.Strategy strategy = deploy.strategy();
    if (strategy == null) {
      return null;
    }
    DeploymentConfiguration.Builder b =
        current == null ? DeploymentConfiguration.builder() : current.toBuilder();
    b.strategy(DeploymentStrategy.fromValue(strategy.kind().name()))
        .canaryConfiguration((CanaryConfiguration) null)
        .linearConfiguration((LinearConfiguration) null);
    switch (strategy.kind()) {
      case ROLLING -> b.bakeTimeInMinutes(null);
      case BLUE_GREEN -> b.bakeTimeInMinutes(deploy.bakeMinutes());
      case CANARY ->
          b.bakeTimeInMinutes(deploy.bakeMinutes())
              .canaryConfiguration(
                  c ->
                      c.canaryPercent(strategy.percent())
                          .canaryBakeTimeInMinutes(strategy.stepBakeMinutes()));
      case LINEAR ->
          b.bakeTimeInMinutes(deploy.bakeMinutes())
              .linearConfiguration(
                  l ->
                      l.stepPercent(strategy.percent())
                          .stepBakeTimeInMinutes(strategy.stepBakeMinutes()));
    }
    return b.build();
  }

  /**
   * Among the newest few revisions of {@code current}'s family registered after it (an earlier
   * attempt that registered but never updated the service left one there), the one whose container
   * runs {@code image}. On a first attempt the service's own revision is the newest: one list call.
   */
  private Optional<String> registered(TaskDefinition current, String container, String image) {
    for (String arn :
        ecs.get()
            .listTaskDefinitions(
                r ->
                    r.familyPrefix(current.family())
                        .sort(SortOrder.DESC)
                        .maxResults(RECENT_REVISIONS))
            .taskDefinitionArns()) {
      if (revision(arn) <= current.revision()) {
        continue; // the service's own revision or an older one (moto ignores the sort order)
      }
      TaskDefinition candidate =
          ecs.get().describeTaskDefinition(r -> r.taskDefinition(arn)).taskDefinition();
      if (candidate.containerDefinitions().stream()
          .anyMatch(c -> c.name().equals(container) && image.equals(c.image()))) {
        return Optional.of(arn);
      }
    }
    return Optional.empty();
  }

  /**
   * The family of a task definition ARN ({@code arn:...:task-definition/family:12}); empty when it
   * is not of that form (then the ARN itself is described).
   */
  static Optional<String> family(String arn) {
    int at = arn.indexOf(":task-definition/");
    int colon = arn.lastIndexOf(':');
    if (at < 0 || colon <= at + ":task-definition/".length()) {
      return Optional.empty();
    }
    return Optional.of(arn.substring(at + ":task-definition/".length(), colon));
  }

  /** The revision number at the end of a task definition ARN ({@code ...:family:12}). */
  private static int revision(String arn) {
    try {
      return Integer.parseInt(arn.substring(arn.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE; // not the usual form: look at it
    }
  }

  /** Labels naming the manifest's health paths on the release's container (architecture §5). */
  public static final String LIVENESS_LABEL = "dev.slipway.health.liveness";

  public static final String READINESS_LABEL = "dev.slipway.health.readiness";

  /**
   * The manifest's health settings on the release's container: the container health check's
   * interval, timeout, retries and start period; its command, when it is the self-check form {@code
   * [CMD, /binary, -healthcheck, ...]} (scratch images have no shell or curl: the binary checks
   * itself), probes the liveness path; a container with no health check gets none (no command is
   * known to work in its image). The readiness path is the load balancer target group's (the
   * service stack sets it); both paths are labels on the container, which the local task runner
   * probes in ECS's and the load balancer's place.
   */
  static ContainerDefinition withHealth(
      ContainerDefinition.Builder clone, ContainerDefinition previous, Manifest.Health health) {
    Map<String, String> labels = new TreeMap<>(previous.dockerLabels());
    labels.put(LIVENESS_LABEL, health.liveness());
    labels.put(READINESS_LABEL, health.readiness());
    clone.dockerLabels(labels);
    HealthCheck check = previous.healthCheck();
    if (check != null && check.hasCommand()) {
      List<String> command = check.command();
      if (command.size() >= 3
          && command.get(0).equals("CMD")
          && command.get(2).equals("-healthcheck")) {
        command = List.of("CMD", command.get(1), "-healthcheck", health.liveness());
      }
      clone.healthCheck(
          check.toBuilder()
              .command(command)
              .interval(health.intervalSeconds())
              .timeout(health.timeoutSeconds())
              .retries(health.retries())
              .startPeriod(health.startPeriodSeconds())
              .build());
    }
    return clone.build();
  }

  /**
   * "" when {@code passed} (a role ARN, or null) is the {@code declared} role (a name or an ARN);
   * else a phrase naming it.
   */
  static String undeclaredRole(String what, String passed, String declared) {
    if (passed == null || passed.isEmpty()) {
      return "";
    }
    boolean same =
        declared != null
            && (declared.startsWith("arn:")
                ? declared.equals(passed)
                : passed.substring(passed.lastIndexOf('/') + 1).equals(declared));
    return same ? "" : " passes " + what + " " + passed + " (declared: " + declared + "),";
  }

  /** How far back {@link #registered} looks: an earlier attempt of this deploy is recent. */
  private static final int RECENT_REVISIONS = 5;

  private static Optional<Deployment> primaryDeployment(Service service) {
    return service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst();
  }
}
