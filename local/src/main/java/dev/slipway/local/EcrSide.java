package dev.slipway.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.emulator.Moto;
import dev.slipway.json.Json;
import dev.slipway.release.Finding;
import dev.slipway.release.Sha256;
import dev.slipway.toolchain.build.GoBuildInfo;
import dev.slipway.toolchain.build.ProcessRunner;
import dev.slipway.toolchain.image.Blob;
import dev.slipway.toolchain.image.RegistryClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.LimitExceededException;

/**
 * ECR and Inspector, played after an image build: the manifests the build pushed to the local
 * registry mirrored into the emulator's ECR under the same digests, ECR's push event, and the
 * scanning the template configures (Inspector's, or ECR basic scanning's answer for an image
 * without an OS package database). Also a drill's instant image.
 */
final class EcrSide {
  private final AwsClients aws;
  private final AwsSide side;
  private final String registry;
  private final OsvScanner scanner;
  private final PrintStream log;
  private final String motoEndpoint;
  private final boolean enhancedScanning;

  /** The repositories ECR has: the declared services'. */
  private final List<String> repositories;

  /** Where the scanner unpacks the binaries it reads. */
  private final Path scans;

  EcrSide(
      AwsClients aws,
      AwsSide side,
      String registry,
      OsvScanner scanner,
      PrintStream log,
      String motoEndpoint,
      boolean enhancedScanning,
      List<String> repositories,
      Path scans) {
    this.aws = aws;
    this.side = side;
    this.registry = registry;
    this.scanner = scanner;
    this.log = log;
    this.motoEndpoint = motoEndpoint;
    this.enhancedScanning = enhancedScanning;
    this.repositories = repositories;
    this.scans = scans;
  }

  /**
   * After an image build of {@code releaseId}: it succeeded when it left the digest it pushed and
   * the registry has that image. Its push is ECR's to report: the registry's notification of it
   * comes to {@link #pushed}, as any other client's push does.
   */
  String afterImage(String releaseId, Path src, String repository) throws Exception {
    Path digestFile = src.resolve("image-digest.txt");
    String digest =
        Files.isRegularFile(digestFile)
            ? Files.readAllLines(digestFile).stream()
                .map(String::strip)
                .filter(l -> l.startsWith("sha256:"))
                .reduce((a, b) -> b)
                .orElse(null)
            : null;
    if (digest == null) {
      log.println("local image of " + releaseId + ": the build left no image-digest.txt");
      return "FAILED";
    }
    new RegistryClient(registry, true, null).getManifest(repository, digest);
    return "SUCCEEDED";
  }

  /**
   * What ECR does on a tagged push to one of its repositories (a repository the stack does not
   * declare does not exist in ECR, and a push to it is refused there: here it is only logged): the
   * image and its platform manifests mirrored into the emulator's ECR under their digests, ECR's
   * push event, then the scan the template configures, of each platform's entrypoint binary.
   */
  void pushed(String repository, String tag, String digest) throws Exception {
    if (tag.matches("sha256-[0-9a-f]{64}")) {
      // The referrers tag schema's index (an SBOM attached to an image), which the local registry
      // needs for want of the referrers API; ECR has the API, so no such tag, and no event.
      log.println("  registry: referrers of " + repository + "@" + tag.replace('-', ':'));
      return;
    }
    if (!repositories.contains(repository)) {
      log.println(
          "  registry: "
              + repository
              + ":"
              + tag
              + " pushed, but ECR has no repository "
              + repository
              + " (declared: "
              + String.join(", ", repositories)
              + "): no event");
      return;
    }
    RegistryClient client = new RegistryClient(registry, true, null);
    RegistryClient.Manifest top = client.getManifest(repository, digest);
    Map<String, String> platforms = ImageFiles.platforms(client, repository, digest);
    boolean index = top.json().has("manifests");
    if (index) {
      for (var p : platforms.entrySet()) {
        RegistryClient.Manifest manifest = client.getManifest(repository, p.getValue());
        mirror(
            repository,
            new Blob(
                manifest.mediaType(),
                manifest.digest(),
                manifest.content().length,
                manifest.content()),
            tag + "-" + p.getKey().replace('/', '-'));
      }
    }
    mirror(
        repository,
        new Blob(top.mediaType(), top.digest(), top.content().length, top.content()),
        tag);
    side.imagePushed(repository, top.digest(), tag);
    log.println("  registry: pushed " + repository + ":" + tag + " " + top.digest());
    for (var p : platforms.entrySet()) {
      String scanTag = index ? tag + "-" + p.getKey().replace('/', '-') : tag;
      List<Finding> findings;
      try {
        Path binary =
            ImageFiles.entrypoint(
                client,
                repository,
                p.getValue(),
                Files.createTempDirectory(scans, p.getValue().substring(7, 19)));
        var info =
            new ProcessRunner(Duration.ofMinutes(1))
                .run(List.of("go", "version", "-m", binary.toString()), Map.of(), scans);
        if (info.exitCode() != 0) {
          throw new java.io.IOException("its entrypoint is not a Go binary with build information");
        }
        findings = scanner.scan(GoBuildInfo.parse(info.output()));
      } catch (Exception e) {
        // The local scanner reads Go modules only: an image it cannot read is never clean.
        log.println("  scan " + repository + ":" + tag + " " + p.getKey() + ": " + e.getMessage());
        reportUnscannable(repository, p.getValue(), scanTag);
        continue;
      }
      reportScan(repository, p.getValue(), scanTag, findings);
      log.println(
          "  scan "
              + repository
              + ":"
              + tag
              + " "
              + p.getKey()
              + ": "
              + (findings.isEmpty() ? "no findings" : findings));
    }
  }

  /** Mirrors {@code bytes} as a manifest of {@code mediaType} under its digest; returns it. */
  private String mirror(String repository, String mediaType, byte[] bytes, String tag) {
    String digest = sha256(bytes);
    mirror(repository, new Blob(mediaType, digest, bytes.length, bytes), tag);
    return digest;
  }

  private void mirror(String repository, Blob manifest, String tag) {
    try {
      aws.ecr()
          .putImage(
              r ->
                  r.repositoryName(repository)
                      .imageManifest(new String(manifest.content(), StandardCharsets.UTF_8))
                      .imageManifestMediaType(manifest.mediaType())
                      .imageDigest(manifest.digest())
                      .imageTag(tag));
    } catch (ImageAlreadyExistsException again) {
      // a build run again after a restart: the same digest under the same tag is already there
    }
  }

  /**
   * Answers as the registry's scanning would, then sends its event: with enhanced scanning
   * (Inspector) the image is ACTIVE with the OSV scanner's findings of its Go modules and Inspector
   * sends its scan event; with basic scanning, which reads OS packages only, an image Slipway
   * assembles (scratch: no OS package database) is UNSUPPORTED_IMAGE, as ECR answers it.
   */
  private void reportScan(String repository, String digest, String tag, List<Finding> findings)
      throws Exception {
    reportScan(repository, digest, tag, findings, true);
  }

  /** An image the scanner cannot read: answered UNSUPPORTED_IMAGE, whichever scanning is set. */
  private void reportUnscannable(String repository, String digest, String tag) throws Exception {
    reportScan(repository, digest, tag, List.of(), false);
  }

  private void reportScan(
      String repository, String digest, String tag, List<Finding> findings, boolean readable)
      throws Exception {
    try {
      aws.ecr()
          .startImageScan(
              r -> r.repositoryName(repository).imageId(i -> i.imageDigest(digest).imageTag(tag)));
    } catch (LimitExceededException again) {
      // ECR allows one scan per image a day: this is the SDK's retry of a start whose answer
      // was lost (or a build run again after a restart), and the scan it started stands.
      log.println(
          "  scan of " + digest + " already started: " + again.awsErrorDetails().errorMessage());
    }
    ObjectNode result = Json.mapper().createObjectNode();
    Map<String, Integer> counts = new TreeMap<>();
    if (enhancedScanning && readable) {
      var list = result.putObject("imageScanFindings").putArray("enhancedFindings");
      for (Finding f : findings) {
        ObjectNode finding =
            list.addObject()
                .put("awsAccountId", side.account)
                .put(
                    "findingArn",
                    "arn:aws:inspector2:"
                        + side.region
                        + ":"
                        + side.account
                        + ":finding/"
                        + sha256(digest + f.id()).substring(7, 39))
                .put("severity", f.severity().name())
                .put("status", "ACTIVE")
                .put("type", "PACKAGE_VULNERABILITY");
        ObjectNode details = finding.putObject("packageVulnerabilityDetails");
        details.put("vulnerabilityId", f.id()).put("source", "OSV");
        details
            .putArray("vulnerablePackages")
            .addObject()
            .put("name", f.packageName())
            .put("version", f.packageVersion());
        counts.merge(f.severity().name(), 1, Integer::sum);
      }
      result.with("imageScanFindings").putPOJO("findingSeverityCounts", counts);
      result
          .putObject("imageScanStatus")
          .put("status", "ACTIVE")
          .put("description", "Continuous scan is selected for image (slipway local).");
    } else {
      result
          .putObject("imageScanStatus")
          .put("status", "UNSUPPORTED_IMAGE")
          .put(
              "description",
              "UnsupportedImageError: The operating system and/or package manager are not"
                  + " supported.");
    }
    result.put("registryId", side.account).put("repositoryName", repository);
    result.putObject("imageId").put("imageDigest", digest);
    Moto.post(
        motoEndpoint,
        "/moto-api/static/ecr/scan-finding-results",
        "{\"results\": ["
            + result
            + "], \"region\": \""
            + side.region
            + "\", \"account_id\": \""
            + side.account
            + "\"}");
    if (enhancedScanning) {
      side.inspectorScanned(repository, digest, tag, counts);
    } else {
      side.imageScanFailed(repository, digest);
    }
  }

  /**
   * A drill's image build, answered at once: an index of two platform manifests whose contents are
   * unique to the release (no blobs behind them; moto's ECR does not look), mirrored into ECR like
   * a real one, then the push event and clean scans.
   */
  String instantImage(String releaseId, String repository) throws Exception {
    ObjectNode index = Json.mapper().createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
    var manifests = index.putArray("manifests");
    List<String> digests = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (String platform : List.of("linux/amd64", "linux/arm64")) {
      ObjectNode m = Json.mapper().createObjectNode();
      m.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      m.putObject("config")
          .put("mediaType", "application/vnd.oci.image.config.v1+json")
          .put("digest", sha256(releaseId + platform + "config"))
          .put("size", 1);
      m.putArray("layers")
          .addObject()
          .put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
          .put("digest", sha256(releaseId + platform + "layer"))
          .put("size", 1);
      byte[] bytes = Json.mapper().writeValueAsBytes(m);
      String digest =
          mirror(
              repository,
              "application/vnd.oci.image.manifest.v1+json",
              bytes,
              releaseId + "-" + platform.replace('/', '-'));
      manifests
          .addObject()
          .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
          .put("digest", digest)
          .put("size", bytes.length)
          .putObject("platform")
          .put("os", "linux")
          .put("architecture", platform.substring(platform.indexOf('/') + 1));
      digests.add(digest);
      tags.add(releaseId + "-" + platform.replace('/', '-'));
    }
    String digest =
        mirror(
            repository,
            "application/vnd.oci.image.index.v1+json",
            Json.mapper().writeValueAsBytes(index),
            releaseId);
    side.imagePushed(repository, digest, releaseId);
    for (int i = 0; i < digests.size(); i++) {
      reportScan(repository, digests.get(i), tags.get(i), List.of());
    }
    return "SUCCEEDED";
  }

  private static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    return Sha256.digest(bytes);
  }
}
