package dev.slipway.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.Images;
import dev.slipway.engine.Unavailable;
import dev.slipway.json.Json;
import dev.slipway.release.Finding;
import dev.slipway.release.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Attribute;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.ImageScanFindings;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;

/**
 * The registry and its scanners, answered by ECR. Findings are ECR's for the image digest,
 * whichever scanning the registry runs (basic, or enhanced with Inspector, whose findings ECR
 * answers with too, so no Inspector client is needed).
 */
public record EcrImages(Supplier<EcrClient> ecr) implements Images {
  public EcrImages(EcrClient ecr) {
    this(() -> ecr);
  }

  @Override
  public Optional<Tagged> tagged(String repository, String tag) throws Unavailable {
    try {
      String region = ecr.get().serviceClientConfiguration().region().id();
      return ecr
          .get()
          .describeImages(r -> r.repositoryName(repository).imageIds(i -> i.imageTag(tag)))
          .imageDetails()
          .stream()
          .findFirst()
          .map(
              d ->
                  new Tagged(
                      d.registryId() + ".dkr.ecr." + region + ".amazonaws.com", d.imageDigest()));
    } catch (ImageNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsErrors.unavailable(e);
    }
  }

  @Override
  public List<String> platformDigests(String repository, String digest) throws Unavailable {
    try {
      var response =
          ecr.get()
              .batchGetImage(
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
      throw AwsErrors.unavailable(e);
    }
  }

  /**
   * ECR's statuses that end a scan without findings: basic scanning answers UNSUPPORTED_IMAGE for
   * an image without an OS package database (a scratch image, Slipway's default), enhanced scanning
   * SCAN_ELIGIBILITY_EXPIRED or FINDINGS_UNAVAILABLE.
   */
  static final Set<String> UNSCANNABLE =
      Set.of(
          "FAILED",
          "UNSUPPORTED_IMAGE",
          "SCAN_ELIGIBILITY_EXPIRED",
          "FINDINGS_UNAVAILABLE",
          "LIMIT_EXCEEDED",
          "IMAGE_ARCHIVED");

  /**
   * Read from ECR's DescribeImageScanFindings in both modes: with enhanced scanning ECR answers
   * with Inspector's findings and the image's scan status, so "no findings" is told apart from "not
   * scanned" (Inspector's ListFindings alone cannot tell them apart). COMPLETE (basic) and ACTIVE
   * (enhanced, scanned and monitored) are finished scans; PENDING, IN_PROGRESS or no scan yet is
   * null; the statuses in {@link #UNSCANNABLE} are {@link Unscannable}.
   */
  @Override
  public List<Finding> findings(String repository, String digest) throws Unavailable, Unscannable {
    try {
      List<Finding> out = new ArrayList<>();
      String token = null;
      do {
        String next = token;
        DescribeImageScanFindingsResponse response;
        try {
          response =
              ecr.get()
                  .describeImageScanFindings(
                      r ->
                          r.repositoryName(repository)
                              .imageId(i -> i.imageDigest(digest))
                              .maxResults(1000)
                              .nextToken(next));
        } catch (ScanNotFoundException e) {
          return null;
        }
        String status =
            response.imageScanStatus() == null ? "" : response.imageScanStatus().statusAsString();
        if (UNSCANNABLE.contains(status)) {
          throw new Unscannable(
              unscannable(digest, status, response.imageScanStatus().description()));
        }
        if (!"COMPLETE".equals(status) && !"ACTIVE".equals(status)) {
          return null;
        }
        if (response.imageScanFindings() != null) {
          collect(response.imageScanFindings(), out);
        }
        token = response.nextToken();
      } while (token != null);
      return out;
    } catch (SdkException e) {
      throw AwsErrors.unavailable(e);
    }
  }

  private String unscannable(String digest, String status, String description) {
    String why = description == null || description.isBlank() ? "" : " (" + description + ")";
    String hint =
        status.equals("UNSUPPORTED_IMAGE")
            ? "; ECR basic scanning reads OS packages only and this image has none: use enhanced"
                + " scanning (Amazon Inspector), the stack's default"
            : "";
    return "the scan of " + digest + " ended " + status + why + hint;
  }

  private static void collect(ImageScanFindings findings, List<Finding> out) {
    for (var f : findings.findings()) {
      out.add(
          new Finding(
              f.name(),
              severity(f.severityAsString()),
              attribute(f.attributes(), "package_name"),
              attribute(f.attributes(), "package_version")));
    }
    for (var f : findings.enhancedFindings()) {
      var details = f.packageVulnerabilityDetails();
      String id =
          details != null && details.vulnerabilityId() != null
              ? details.vulnerabilityId()
              : f.findingArn();
      var pkg =
          details != null && !details.vulnerablePackages().isEmpty()
              ? details.vulnerablePackages().get(0)
              : null;
      out.add(
          new Finding(
              id == null ? "unknown" : id,
              severity(f.severity()),
              pkg == null ? null : pkg.name(),
              pkg == null ? null : pkg.version()));
    }
  }

  private static String attribute(List<Attribute> attributes, String key) {
    return attributes.stream()
        .filter(a -> a.key().equals(key))
        .map(Attribute::value)
        .findFirst()
        .orElse(null);
  }

  static Severity severity(String text) {
    return text == null ? Severity.UNDEFINED : Severity.parse(text).orElse(Severity.UNDEFINED);
  }
}
