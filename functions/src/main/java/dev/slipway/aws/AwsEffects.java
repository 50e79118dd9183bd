package dev.slipway.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.EffectRunner;
import dev.slipway.event.SlipwayDetailType;
import dev.slipway.json.Json;
import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.codebuild.model.ArtifactPackaging;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codebuild.model.StartBuildResponse;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Carries out effects with CodeBuild, ECS and EventBridge. Each is safe to repeat: builds start
 * with an idempotency token, a deployment whose image is already the service's is not registered
 * again, a rollback to the current task definition changes nothing, and Slipway's own events are
 * announcements consumers deduplicate by release and detail-type.
 */
public final class AwsEffects implements EffectRunner {
  private final AwsClients aws;
  private final Settings settings;

  /**
   * Names the effects need: build projects, where compile output goes, the event bus, and the
   * declared services (each image build pushes to its service's repository; a deploy goes only to a
   * declared target and passes only its declared roles).
   */
  public record Settings(
      String compileProject,
      String imageProject,
      String artifactBucket,
      String eventBus,
      Declarations services) {}

  public AwsEffects(AwsClients aws, Settings settings) {
    this.aws = aws;
    this.settings = settings;
  }

  @Override
  public Outcome run(Release release, Effect effect) {
    try {
      if (effect instanceof Effect.StartBuild build) {
        return startBuild(release, build);
      }
      if (effect instanceof Effect.Publish publish) {
        return publish(release, publish);
      }
      if (effect instanceof Effect.Deploy deploy) {
        return deploy(release, deploy);
      }
      if (effect instanceof Effect.StopBuild stop) {
        String id = stop.buildId();
        String buildId = id.contains(":build/") ? id.substring(id.indexOf(":build/") + 7) : id;
        try {
          aws.codeBuild.stopBuild(r -> r.id(buildId));
        } catch (software.amazon.awssdk.services.codebuild.model.InvalidInputException ended) {
          // already finished: nothing left to stop
        }
        return new Outcome.Done(null);
      }
      if (effect instanceof Effect.RollBack rollBack) {
        aws.ecs.updateService(
            r ->
                r.cluster(rollBack.cluster())
                    .service(rollBack.service())
                    .taskDefinition(rollBack.taskDefinitionArn()));
        return new Outcome.Done(null);
      }
      return new Outcome.Failed("no runner for " + effect.key());
    } catch (SdkException e) {
      return AwsErrors.isTransient(e)
          ? new Outcome.Retry(AwsErrors.reason(e))
          : new Outcome.Failed(AwsErrors.reason(e));
    }
  }

  private Outcome startBuild(Release release, Effect.StartBuild build) {
    List<EnvironmentVariable> env = new ArrayList<>();
    env.add(variable("SLIPWAY_RELEASE_ID", release.id()));
    env.add(
        variable(
            "SLIPWAY_SOURCE_URL",
            "s3://" + release.source().bucket() + "/" + release.source().key()));
    String output = "builds/" + release.id();
    StartBuildResponse response;
    if (build.kind() == Effect.BuildKind.COMPILE
        && release.config() != null
        && release.config().goVersion() != null) {
      // The manifest's exact Go, in place of the project's pinned default (compile.yml).
      env.add(variable("SLIPWAY_GO_VERSION", release.config().goVersion()));
    }
    if (build.kind() == Effect.BuildKind.COMPILE) {
      response =
          aws.codeBuild.startBuild(
              r ->
                  r.projectName(settings.compileProject())
                      .idempotencyToken(release.id() + "-compile")
                      .sourceTypeOverride(SourceType.S3)
                      .sourceLocationOverride(
                          release.source().bucket() + "/" + release.source().key())
                      .sourceVersion(release.source().versionId())
                      .artifactsOverride(
                          a ->
                              a.type(ArtifactsType.S3)
                                  .location(settings.artifactBucket())
                                  .path(output)
                                  .name("dist.zip")
                                  .packaging(ArtifactPackaging.ZIP)
                                  .overrideArtifactName(false))
                      .environmentVariablesOverride(env));
    } else {
      Optional<Declarations.Service> service = settings.services().service(release.service());
      if (service.isEmpty()) {
        return new Outcome.Failed("service " + release.service() + " is no longer declared");
      }
      // The project's registry, the release's own service's repository (image.yml).
      env.add(variable("SLIPWAY_REPOSITORY", service.get().repository()));
      // The compile output is read pinned by the checksum CodeBuild itself reported for this
      // release's compile build: every compile build may write under builds/, so another
      // release's build could have replaced the object since (DESIGN §5).
      Optional<String> pin = compiledChecksum(release);
      if (pin.isEmpty()) {
        return new Outcome.Failed(
            "compile build "
                + release.compileBuildId()
                + " reports no checksum of its artifact, so its output cannot be pinned");
      }
      env.add(
          variable(
              "SLIPWAY_DIST_URL",
              "s3://" + settings.artifactBucket() + "/" + output + "/dist.zip"));
      env.add(variable("SLIPWAY_DIST_SHA256", pin.get()));
      response =
          aws.codeBuild.startBuild(
              r ->
                  r.projectName(settings.imageProject())
                      .idempotencyToken(release.id() + "-image")
                      .sourceTypeOverride(SourceType.NO_SOURCE)
                      .environmentVariablesOverride(env));
    }
    // Events carry the build's ARN as its build-id; record the same.
    String arn = response.build().arn() != null ? response.build().arn() : response.build().id();
    return new Outcome.Done(new Input.BuildStarted("started:" + arn, build.kind(), arn));
  }

  /** The SHA-256 CodeBuild reports for the release's compile artifact (a ZIP), if any. */
  private Optional<String> compiledChecksum(Release release) {
    String buildId = release.compileBuildId();
    if (buildId == null) {
      return Optional.empty();
    }
    // BatchGetBuilds takes "project:uuid"; the ledger keeps the ARN events carry.
    String id =
        buildId.contains(":build/") ? buildId.substring(buildId.indexOf(":build/") + 7) : buildId;
    return aws.codeBuild.batchGetBuilds(r -> r.ids(id)).builds().stream()
        .findFirst()
        .map(b -> b.artifacts() == null ? null : b.artifacts().sha256sum())
        .filter(sum -> sum != null && sum.matches("[0-9a-f]{64}"));
  }

  private static EnvironmentVariable variable(String name, String value) {
    return EnvironmentVariable.builder()
        .name(name)
        .value(value)
        .type(EnvironmentVariableType.PLAINTEXT)
        .build();
  }

  private Outcome publish(Release release, Effect.Publish publish) {
    ObjectNode detail = Json.mapper().createObjectNode();
    detail.put("service", release.service());
    detail.put("releaseId", release.id());
    detail.put("state", release.state().name());
    if (release.image() != null) {
      detail.put("imageDigest", release.image().digest());
    }
    if (publish.reason() != null) {
      detail.put("reason", publish.reason());
    }
    PutEventsResponse response =
        aws.events.putEvents(
            r ->
                r.entries(
                    e ->
                        e.eventBusName(settings.eventBus())
                            .source(SlipwayDetailType.SOURCE)
                            .detailType(publish.type().detailType())
                            .resources(List.of())
                            .detail(detail.toString())));
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      return new Outcome.Retry(
          "PutEvents: "
              + response.entries().get(0).errorCode()
              + " "
              + response.entries().get(0).errorMessage());
    }
    return new Outcome.Done(null);
  }

  private Outcome deploy(Release release, Effect.Deploy deploy) {
    // Admission bound the release to a declared target; the declarations may have changed since.
    Optional<Declarations.Environment> environment =
        settings
            .services()
            .service(release.service())
            .flatMap(s -> s.target(deploy.cluster(), deploy.service()));
    if (environment.isEmpty()) {
      return new Outcome.Failed(
          deploy.cluster()
              + "/"
              + deploy.service()
              + " is not a declared target of "
              + release.service());
    }
    Optional<Service> found =
        aws
            .ecs
            .describeServices(r -> r.cluster(deploy.cluster()).services(deploy.service()))
            .services()
            .stream()
            .findFirst();
    if (found.isEmpty() || "INACTIVE".equals(found.get().status())) {
      return new Outcome.Failed(
          "ECS service " + deploy.cluster() + "/" + deploy.service() + " does not exist");
    }
    Service service = found.get();
    String previousArn = service.taskDefinition();
    TaskDefinition previous =
        aws.ecs.describeTaskDefinition(r -> r.taskDefinition(previousArn)).taskDefinition();
    Optional<ContainerDefinition> container =
        previous.containerDefinitions().stream()
            .filter(c -> c.name().equals(deploy.container()))
            .findFirst();
    if (container.isEmpty()) {
      return new Outcome.Failed(
          "task definition " + previousArn + " has no container named " + deploy.container());
    }
    if (deploy.image().equals(container.get().image())) {
      // A repeat of this effect after the service was updated: nothing to register again.
      String deploymentId = primaryDeployment(service).map(Deployment::id).orElse(null);
      String before =
          release.deployment() != null ? release.deployment().previousTaskDefinitionArn() : null;
      return new Outcome.Done(
          new Input.DeployStarted("deployed:" + release.id(), previousArn, before, deploymentId));
    }
    // The clone passes the service's roles on: only those declared for this environment (IAM
    // would refuse any other PassRole too; this says which and why).
    String roles =
        undeclaredRole("task role", previous.taskRoleArn(), environment.get().taskRole())
            + undeclaredRole(
                "execution role", previous.executionRoleArn(), environment.get().executionRole());
    if (!roles.isEmpty()) {
      return new Outcome.Failed(
          "task definition "
              + previousArn
              + roles
              + " not declared for "
              + release.service()
              + "'s environment "
              + environment.get().name());
    }
    List<ContainerDefinition> containers = new ArrayList<>();
    for (ContainerDefinition c : previous.containerDefinitions()) {
      containers.add(
          c.name().equals(deploy.container()) ? c.toBuilder().image(deploy.image()).build() : c);
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
            .cpu(previous.cpu())
            .memory(previous.memory())
            .runtimePlatform(previous.runtimePlatform())
            .ephemeralStorage(previous.ephemeralStorage())
            .pidMode(previous.pidMode())
            .ipcMode(previous.ipcMode())
            .proxyConfiguration(previous.proxyConfiguration())
            .tags(t -> t.key("slipway:release-id").value(release.id()));
    // An earlier attempt may have registered the revision and lost the answer: use that one.
    String newArn =
        registered(previous, deploy.container(), deploy.image())
            .orElseGet(
                () ->
                    aws.ecsOnce
                        .registerTaskDefinition(register.build())
                        .taskDefinition()
                        .taskDefinitionArn());
    // Once, without the SDK's retries, as RegisterTaskDefinition above: a retry after a lost
    // answer would update the service a second time. The effect's own retry reads the service
    // first and finds it updated (the branch above), so the deployment starts exactly once.
    Service updated =
        aws.ecsOnce
            .updateService(
                r -> r.cluster(deploy.cluster()).service(deploy.service()).taskDefinition(newArn))
            .service();
    String deploymentId = primaryDeployment(updated).map(Deployment::id).orElse(null);
    return new Outcome.Done(
        new Input.DeployStarted("deployed:" + release.id(), newArn, previousArn, deploymentId));
  }

  /**
   * Among the newest few revisions of {@code current}'s family registered after it (an earlier
   * attempt that registered but never updated the service left one there), the one whose container
   * runs {@code image}. On a first attempt the service's own revision is the newest: one list call.
   */
  private Optional<String> registered(TaskDefinition current, String container, String image) {
    for (String arn :
        aws.ecs
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
          aws.ecs.describeTaskDefinition(r -> r.taskDefinition(arn)).taskDefinition();
      if (candidate.containerDefinitions().stream()
          .anyMatch(c -> c.name().equals(container) && image.equals(c.image()))) {
        return Optional.of(arn);
      }
    }
    return Optional.empty();
  }

  /** The revision number at the end of a task definition ARN ({@code ...:family:12}). */
  private static int revision(String arn) {
    try {
      return Integer.parseInt(arn.substring(arn.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE; // not the usual form: look at it
    }
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
