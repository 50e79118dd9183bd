package dev.slipway.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxArmBuildImage;
import software.amazon.awscdk.services.codebuild.Project;
import software.amazon.awscdk.services.codebuild.S3SourceProps;
import software.amazon.awscdk.services.codebuild.Source;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * The two CodeBuild projects: compile (runs `slipway build` on the uploaded source) and image (runs
 * `slipway image` on the compile output and pushes to ECR). Buildspecs are the resource files under
 * {@code buildspecs/}; the Slipway jar is an S3 asset. Neither project is privileged: no Docker is
 * used. Each role reads and writes only its own prefixes.
 */
public final class BuildProjects extends Construct {
  /** Validated props. */
  public record Props(
      String compileProject,
      String imageProject,
      IBucket bucket,
      List<IRepository> repositories,
      Asset slipwayJar,
      IKey key) {
    public Props {
      for (String name : new String[] {compileProject, imageProject}) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_-]{1,254}")) {
          throw new IllegalArgumentException("CodeBuild project name '" + name + "' is not valid");
        }
      }
      if (compileProject.equals(imageProject)) {
        throw new IllegalArgumentException(
            "compile and image projects must differ, both are '" + compileProject + "'");
      }
      Objects.requireNonNull(bucket, "bucket");
      repositories = List.copyOf(repositories);
      Objects.requireNonNull(slipwayJar, "slipwayJar");
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * The exact Go every compile build uses (same source + same Go = same bytes); the build image's
   * own Go only bootstraps it (compile.yml).
   */
  public static final String GO_VERSION = "1.26.8";

  /**
   * Where every build's go commands fetch and check modules (an organisation with a private proxy
   * adds GOPRIVATE and GONOSUMDB here; CodeBuild takes no empty values).
   */
  static final Map<String, String> GO_ENVIRONMENT =
      Map.of(
          "GOPROXY", "https://proxy.golang.org",
          "GOSUMDB", "sum.golang.org",
          "GOFLAGS", "-mod=readonly",
          "GOWORK", "off");

  /** Where the build image (Amazon Linux 2023) keeps its CA certificates. */
  public static final String BUILD_IMAGE_CA_BUNDLE = "/etc/pki/tls/certs/ca-bundle.crt";

  private final Project compile;
  private final Project image;
  private final Project dockerfile;

  public BuildProjects(Construct scope, String id, Props props) {
    super(scope, id);
    // The Go environment is the stack's, not the build image's or a host's: the public module proxy
    // and checksum database (a private proxy, GONOSUMDB and GOPRIVATE are set here, once).
    // Sorted: Map.of iterates in a different order in every JVM, and the template must not change
    // from one synthesis to the next.
    Map<String, BuildEnvironmentVariable> common = new TreeMap<>();
    GO_ENVIRONMENT.forEach((name, value) -> common.put(name, variable(value)));
    common.putAll(
        Map.of(
            "SLIPWAY_JAR_URL", variable(props.slipwayJar().getS3ObjectUrl()),
            "SLIPWAY_REGISTRY",
                variable(
                    Stack.of(scope).getAccount()
                        + ".dkr.ecr."
                        + Stack.of(scope).getRegion()
                        + "."
                        + Stack.of(scope).getUrlSuffix()),
            "SLIPWAY_ARTIFACT_BUCKET", variable(props.bucket().getBucketName()),
            "SLIPWAY_GO_VERSION", variable(GO_VERSION),
            "SLIPWAY_CA_BUNDLE", variable(BUILD_IMAGE_CA_BUNDLE)));
    BuildEnvironment environment =
        BuildEnvironment.builder()
            .buildImage(LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0)
            .computeType(ComputeType.SMALL)
            .privileged(false)
            .environmentVariables(common)
            .build();
    compile =
        Project.Builder.create(this, "Compile")
            .projectName(props.compileProject())
            .description("Slipway: cross-compile an uploaded Go service (slipway build)")
            .source(
                Source.s3(S3SourceProps.builder().bucket(props.bucket()).path("sources/").build()))
            .buildSpec(buildSpec("buildspecs/compile.yml"))
            .environment(environment)
            .encryptionKey(props.key())
            .timeout(Duration.minutes(30))
            .queuedTimeout(Duration.hours(1))
            .build();
    image =
        Project.Builder.create(this, "Image")
            .projectName(props.imageProject())
            .description("Slipway: assemble and push the multi-arch image (slipway image)")
            .source(
                Source.s3(S3SourceProps.builder().bucket(props.bucket()).path("builds/").build()))
            .buildSpec(buildSpec("buildspecs/image.yml"))
            .environment(environment)
            .encryptionKey(props.key())
            .timeout(Duration.minutes(20))
            .queuedTimeout(Duration.hours(1))
            .build();
    // A service's own Dockerfile (its manifest's "dockerfile"): buildx needs the Docker daemon,
    // hence privileged mode, on this project only; the uploaded tree is its source.
    dockerfile =
        Project.Builder.create(this, "Dockerfile")
            .projectName(props.imageProject() + "-dockerfile")
            .description("Slipway: build and push a service's own Dockerfile (docker buildx)")
            .source(
                Source.s3(S3SourceProps.builder().bucket(props.bucket()).path("sources/").build()))
            .buildSpec(buildSpec("buildspecs/image-dockerfile.yml"))
            .environment(
                BuildEnvironment.builder()
                    .buildImage(LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0)
                    .computeType(ComputeType.SMALL)
                    .privileged(true)
                    .environmentVariables(common)
                    .build())
            .encryptionKey(props.key())
            .timeout(Duration.minutes(30))
            .queuedTimeout(Duration.hours(1))
            .build();
    props.bucket().grantRead(dockerfile, "sources/*");
    props.repositories().forEach(r -> r.grantPullPush(dockerfile));
    NagSuppressions.addResourceSuppressions(
        dockerfile,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-CB3")
                .reason(
                    "docker buildx needs the Docker daemon: privileged mode on the Dockerfile"
                        + " project only, which runs only for a manifest naming a Dockerfile")
                .build()));
    props.slipwayJar().grantRead(compile);
    props.slipwayJar().grantRead(image);
    props.bucket().grantRead(compile, "sources/*");
    props.bucket().grantPut(compile, "builds/*");
    props.bucket().grantRead(image, "builds/*");
    // The image build pushes each release to its own service's repository (image.yml).
    props.repositories().forEach(r -> r.grantPullPush(image));
  }

  private static BuildEnvironmentVariable variable(String value) {
    return BuildEnvironmentVariable.builder().value(value).build();
  }

  /** A buildspec resource file, as CodeBuild's inline YAML. */
  @SuppressWarnings("unchecked")
  static BuildSpec buildSpec(String resource) {
    try (InputStream in = BuildProjects.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      Map<String, Object> spec = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
      return BuildSpec.fromObjectToYaml(spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Project compile() {
    return compile;
  }

  public Project image() {
    return image;
  }

  public Project dockerfile() {
    return dockerfile;
  }
}
