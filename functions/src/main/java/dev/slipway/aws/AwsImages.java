package dev.slipway.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.Images;
import dev.slipway.engine.Observations;
import dev.slipway.json.Json;
import dev.slipway.release.Finding;
import dev.slipway.release.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.inspector2.model.ListFindingsResponse;
import software.amazon.awssdk.services.inspector2.model.StringComparison;
import software.amazon.awssdk.services.inspector2.model.StringFilter;

/**
 * The registry, the scanners and the reconciler's questions, answered by ECR, Inspector2, CodeBuild
 * and ECS. Findings come from ECR basic scanning or, when {@code inspector} is set, from Inspector
 * enhanced scanning, always looked up by image digest.
 */
public final class AwsImages implements Images, Observations {
  private final AwsClients aws;
  private final boolean inspector;

  public AwsImages(AwsClients aws, boolean inspector) {
    this.aws = aws;
    this.inspector = inspector;
  }

  @Override
  public List<String> platformDigests(String repository, String digest) throws Unavailable {
    try {
      var response =
          aws.ecr.batchGetImage(
              r ->
                  r.repositoryName(repository)
                      .imageIds(i -> i.imageDigest(digest))
                      .acceptedMediaTypes(
                          "application/vnd.oci.image.index.v1+json",
                          "application/vnd.docker.distribution.manifest.list.v2+json",
                          "application/vnd.oci.image.manifest.v1+json",
                          "application/vnd.docker.distribution.manifest.v2+json"));
      if (response.images().isEmpty()) {
        String why =
            response.failures().stream()
                .map(ImageFailure::failureReason)
                .findFirst()
                .orElse("not found");
        throw new Unavailable("image " + repository + "@" + digest + ": " + why);
      }
      JsonNode manifest = Json.parse(response.images().get(0).imageManifest(), "$");
      List<String> platforms = new ArrayList<>();
      for (JsonNode entry : manifest.path("manifests")) {
        String platformDigest = entry.path("digest").asText();
        if (!entry.path("platform").path("os").asText().equals("unknown")) {
          platforms.add(platformDigest); // skip attestation manifests ("unknown/unknown")
        }
      }
      return platforms;
    } catch (SdkException e) {
      throw new Unavailable(AwsErrors.reason(e));
    }
  }

  @Override
  public List<Finding> findings(String repository, String digest) throws Unavailable {
    try {
      return inspector ? inspectorFindings(repository, digest) : ecrFindings(repository, digest);
    } catch (SdkException e) {
      throw new Unavailable(AwsErrors.reason(e));
    }
  }

  private List<Finding> ecrFindings(String repository, String digest) {
    DescribeImageScanFindingsResponse response;
    try {
      response =
          aws.ecr.describeImageScanFindings(
              r -> r.repositoryName(repository).imageId(i -> i.imageDigest(digest)));
    } catch (ScanNotFoundException e) {
      return null;
    }
    String status =
        response.imageScanStatus() == null ? "" : response.imageScanStatus().statusAsString();
    if (!"COMPLETE".equals(status) && !"ACTIVE".equals(status)) {
      return null;
    }
    List<Finding> out = new ArrayList<>();
    if (response.imageScanFindings() != null) {
      for (var f : response.imageScanFindings().findings()) {
        out.add(
            new Finding(
                f.name(),
                severity(f.severityAsString()),
                attribute(f.attributes(), "package_name"),
                attribute(f.attributes(), "package_version")));
      }
      for (var f : response.imageScanFindings().enhancedFindings()) {
        String id =
            f.packageVulnerabilityDetails() != null
                ? f.packageVulnerabilityDetails().vulnerabilityId()
                : f.findingArn();
        out.add(new Finding(id, severity(f.severity()), null, null));
      }
    }
    return out;
  }

  private static String attribute(
      List<software.amazon.awssdk.services.ecr.model.Attribute> attributes, String key) {
    return attributes.stream()
        .filter(a -> a.key().equals(key))
        .map(software.amazon.awssdk.services.ecr.model.Attribute::value)
        .findFirst()
        .orElse(null);
  }

  private List<Finding> inspectorFindings(String repository, String digest) {
    List<Finding> out = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListFindingsResponse page =
          aws.inspector.listFindings(
              r ->
                  r.filterCriteria(
                          c ->
                              c.ecrImageHash(eq(digest))
                                  .ecrImageRepositoryName(eq(repository))
                                  .findingStatus(eq("ACTIVE")))
                      .nextToken(next));
      for (var f : page.findings()) {
        String id =
            f.packageVulnerabilityDetails() != null
                    && f.packageVulnerabilityDetails().vulnerabilityId() != null
                ? f.packageVulnerabilityDetails().vulnerabilityId()
                : f.findingArn();
        var pkg =
            f.packageVulnerabilityDetails() != null
                    && !f.packageVulnerabilityDetails().vulnerablePackages().isEmpty()
                ? f.packageVulnerabilityDetails().vulnerablePackages().get(0)
                : null;
        out.add(
            new Finding(
                id == null ? "unknown" : id,
                severity(f.severityAsString()),
                pkg == null ? null : pkg.name(),
                pkg == null ? null : pkg.version()));
      }
      token = page.nextToken();
    } while (token != null);
    return out;
  }

  private static List<StringFilter> eq(String value) {
    return List.of(StringFilter.builder().comparison(StringComparison.EQUALS).value(value).build());
  }

  static Severity severity(String text) {
    return text == null ? Severity.UNDEFINED : Severity.parse(text).orElse(Severity.UNDEFINED);
  }

  @Override
  public Optional<String> buildStatus(String buildId) throws Unavailable {
    try {
      // BatchGetBuilds takes "project:uuid"; the ledger keeps the ARN events carry.
      String id =
          buildId.contains(":build/") ? buildId.substring(buildId.indexOf(":build/") + 7) : buildId;
      return aws.codeBuild.batchGetBuilds(r -> r.ids(id)).builds().stream()
          .findFirst()
          .map(b -> b.buildStatusAsString());
    } catch (SdkException e) {
      throw new Unavailable(AwsErrors.reason(e));
    }
  }

  @Override
  public List<String> alarmsFiring(List<String> alarms) throws Unavailable {
    try {
      return aws
          .cloudWatch
          .describeAlarms(r -> r.alarmNames(alarms).stateValue("ALARM"))
          .metricAlarms()
          .stream()
          // filtered here too: not every endpoint (moto among them) applies StateValue with names
          .filter(a -> "ALARM".equals(a.stateValueAsString()))
          .map(a -> a.alarmName())
          .sorted()
          .toList();
    } catch (SdkException e) {
      throw new Unavailable(AwsErrors.reason(e));
    }
  }

  @Override
  public Optional<Boolean> deploymentOutcome(String cluster, String service, String deploymentId)
      throws Unavailable {
    try {
      return aws.ecs.describeServices(r -> r.cluster(cluster).services(service)).services().stream()
          .flatMap(s -> s.deployments().stream())
          .filter(d -> d.id().equals(deploymentId))
          .findFirst()
          .flatMap(AwsImages::outcome);
    } catch (SdkException e) {
      throw new Unavailable(AwsErrors.reason(e));
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
}
