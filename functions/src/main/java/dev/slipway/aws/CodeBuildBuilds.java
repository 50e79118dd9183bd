package dev.slipway.aws;

import dev.slipway.engine.Builds;
import dev.slipway.engine.Refused;
import dev.slipway.engine.Unavailable;
import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.ArtifactPackaging;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.InvalidInputException;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codebuild.model.StartBuildResponse;

/**
 * The builds, run by CodeBuild: the compile project reads the uploaded source and writes {@code
 * builds/<release>/dist.zip}; the image project reads that output pinned by the checksum CodeBuild
 * reported for the compile build, and pushes to the release's service's repository. Each start
 * carries an idempotency token, so a repeated effect starts nothing new.
 */
public record CodeBuildBuilds(
    Supplier<CodeBuildClient> codeBuild, CodeBuildBuilds.Settings settings) implements Builds {
  public CodeBuildBuilds(CodeBuildClient codeBuild, CodeBuildBuilds.Settings settings) {
    this(() -> codeBuild, settings);
  }

  /** The projects and where compile output goes. */
  public record Settings(
      String compileProject, String imageProject, String artifactBucket, String dockerfileProject) {
    public Settings(String compileProject, String imageProject, String artifactBucket) {
      this(compileProject, imageProject, artifactBucket, "slipway-dockerfile");
    }
  }

  /**
   * The id BatchGetBuilds and StopBuild take ({@code project:uuid}) from the ARN events carry and
   * the ledger keeps ({@code arn:aws:codebuild:...:build/project:uuid}); an id stays as it is.
   */
  public static String buildId(String arnOrId) {
    int at = arnOrId.indexOf(":build/");
    return at >= 0 ? arnOrId.substring(at + ":build/".length()) : arnOrId;
  }

  @Override
  public String start(Release release, Effect.BuildKind kind, Declarations.Service service)
      throws Unavailable, Refused {
    return start(
        release, new Effect.StartBuild(kind, release.id(), release.service(), null), service);
  }

  @Override
  public String start(Release release, Effect.StartBuild build, Declarations.Service service)
      throws Unavailable, Refused {
    try {
      StartBuildResponse response =
          switch (build.kind()) {
            case COMPILE -> startCompile(release);
            case IMAGE -> startImage(release, service, build.compiledSha256());
            case DOCKERFILE -> startDockerfile(release, service);
          };
      // Events carry the build's ARN as its build-id; record the same.
      return response.build().arn() != null ? response.build().arn() : response.build().id();
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
  }

  private StartBuildResponse startCompile(Release release) {
    List<EnvironmentVariable> env = common(release);
    if (release.config() != null && release.config().goVersion() != null) {
      // The manifest's exact Go, in place of the project's pinned default (compile.yml).
      env.add(variable("SLIPWAY_GO_VERSION", release.config().goVersion()));
    }
    return codeBuild
        .get()
        .startBuild(
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
                                .path(output(release))
                                .name("dist.zip")
                                .packaging(ArtifactPackaging.ZIP)
                                .overrideArtifactName(false))
                    .environmentVariablesOverride(env));
  }

  private StartBuildResponse startImage(
      Release release, Declarations.Service service, String reported) throws Refused {
    List<EnvironmentVariable> env = common(release);
    // The project's registry, the release's own service's repository (image.yml).
    env.add(variable("SLIPWAY_REPOSITORY", service.repository()));
    // The compile output is read pinned by the checksum CodeBuild itself reported for this
    // release's compile build: every compile build may write under builds/, so another release's
    // build could have replaced the object since (architecture §5). Its end event carries it
    // (additional-information.artifact.sha256sum; only AWS puts aws.codebuild events on the bus);
    // when it did not, BatchGetBuilds answers it (issue 19: a request a release fewer).
    String pin =
        (reported != null && reported.matches("[0-9a-f]{64}")
                ? Optional.of(reported)
                : compiledChecksum(release))
            .orElseThrow(
                () ->
                    new Refused(
                        "compile build "
                            + release.compileBuildId()
                            + " reports no checksum of its artifact, so its output cannot be"
                            + " pinned"));
    env.add(
        variable(
            "SLIPWAY_DIST_URL",
            "s3://" + settings.artifactBucket() + "/" + output(release) + "/dist.zip"));
    env.add(variable("SLIPWAY_DIST_SHA256", pin));
    return codeBuild
        .get()
        .startBuild(
            r ->
                r.projectName(settings.imageProject())
                    .idempotencyToken(release.id() + "-image")
                    .sourceTypeOverride(SourceType.NO_SOURCE)
                    .environmentVariablesOverride(env));
  }

  /**
   * The service's own Dockerfile (image-dockerfile.yml, a privileged project with buildx): the
   * uploaded tree as its source, the manifest's Dockerfile, context and platforms, and the
   * release's own service's repository; it pushes one index tagged with the release id, whose push
   * event carries the release on.
   */
  private StartBuildResponse startDockerfile(Release release, Declarations.Service service) {
    List<EnvironmentVariable> env = common(release);
    var dockerfile = release.config().dockerfile();
    env.add(variable("SLIPWAY_REPOSITORY", service.repository()));
    env.add(variable("SLIPWAY_DOCKERFILE", dockerfile.path()));
    env.add(variable("SLIPWAY_CONTEXT", dockerfile.context()));
    env.add(
        variable(
            "SLIPWAY_PLATFORMS",
            String.join(",", dockerfile.platforms().stream().map(Object::toString).toList())));
    return codeBuild
        .get()
        .startBuild(
            r ->
                r.projectName(settings.dockerfileProject())
                    .idempotencyToken(release.id() + "-dockerfile")
                    .sourceTypeOverride(SourceType.S3)
                    .sourceLocationOverride(
                        release.source().bucket() + "/" + release.source().key())
                    .sourceVersion(release.source().versionId())
                    .environmentVariablesOverride(env));
  }

  private static String output(Release release) {
    return "builds/" + release.id();
  }

  private static List<EnvironmentVariable> common(Release release) {
    List<EnvironmentVariable> env = new ArrayList<>();
    env.add(variable("SLIPWAY_RELEASE_ID", release.id()));
    env.add(
        variable(
            "SLIPWAY_SOURCE_URL",
            "s3://" + release.source().bucket() + "/" + release.source().key()));
    return env;
  }

  /** The SHA-256 CodeBuild reports for the release's compile artifact (a ZIP), if any. */
  private Optional<String> compiledChecksum(Release release) {
    if (release.compileBuildId() == null) {
      return Optional.empty();
    }
    return codeBuild
        .get()
        .batchGetBuilds(r -> r.ids(buildId(release.compileBuildId())))
        .builds()
        .stream()
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

  @Override
  public void stop(Release release, String buildId) throws Unavailable, Refused {
    try {
      codeBuild.get().stopBuild(r -> r.id(buildId(buildId)));
    } catch (InvalidInputException ended) {
      // already finished: nothing left to stop
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
  }

  @Override
  public Optional<String> status(String buildId) throws Unavailable {
    try {
      return codeBuild.get().batchGetBuilds(r -> r.ids(buildId(buildId))).builds().stream()
          .findFirst()
          .map(b -> b.buildStatusAsString());
    } catch (SdkException e) {
      throw AwsErrors.unavailable(e);
    }
  }
}
