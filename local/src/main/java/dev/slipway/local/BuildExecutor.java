package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import dev.slipway.release.Finding;
import dev.slipway.toolchain.build.BuildReport;
import dev.slipway.toolchain.build.GoBuildInfo;
import dev.slipway.toolchain.build.ProcessRunner;
import dev.slipway.toolchain.image.RegistryClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * CodeBuild's side, behind CodeBuild's own API on loopback ({@code StartBuild}, {@code
 * BatchGetBuilds}), so the handlers' real CodeBuild adapter runs unchanged. A compile build runs
 * exactly `slipway build` on the uploaded source; an image build runs `slipway image`, pushes to
 * the local registry, mirrors the manifests into the emulator's ECR under the same digests, and
 * then plays ECR and Inspector: push event, OSV scan of each platform's Go modules, scan events.
 */
final class BuildExecutor implements AutoCloseable {
  private final HttpServer server;
  private volatile IamEnforcer iam;
  private final ExecutorService builds = Executors.newSingleThreadExecutor();
  private final Map<String, String> statuses = new ConcurrentHashMap<>();

  /** When each build started and ended (epoch ms), answered as CodeBuild's startTime/endTime. */
  private final Map<String, long[]> times = new ConcurrentHashMap<>();

  private final Map<String, String> byToken = new ConcurrentHashMap<>();
  private final Path records;
  private final AwsClients aws;
  private final AwsSide side;
  private final Path work;
  private final String registry;
  private final OsvScanner scanner;
  private final PrintStream log;
  private final String motoEndpoint;
  private final boolean instant;
  private final boolean enhancedScanning;
  private final Map<String, TemplateRules.Project> projects;
  private final LocalBuild.Setting setting;
  private final java.util.function.Function<String, AwsClients> roleClients;
  private final java.util.function.Function<String, String> roleKeys;

  BuildExecutor(
      AwsClients aws,
      AwsSide side,
      Path work,
      String registry,
      OsvScanner scanner,
      PrintStream log,
      String motoEndpoint,
      boolean instant,
      boolean enhancedScanning,
      Map<String, TemplateRules.Project> projects,
      LocalBuild.Setting setting,
      java.util.function.Function<String, AwsClients> roleClients,
      java.util.function.Function<String, String> roleKeys)
      throws IOException {
    this.enhancedScanning = enhancedScanning;
    this.projects = projects;
    this.setting = setting;
    this.roleClients = roleClients;
    this.roleKeys = roleKeys;
    this.motoEndpoint = motoEndpoint;
    this.instant = instant;
    this.aws = aws;
    this.side = side;
    this.work = work;
    this.registry = registry;
    this.scanner = scanner;
    this.log = log;
    // Each build's request and status, so a restarted runtime answers BatchGetBuilds for builds
    // it started before, and runs again the ones that were in progress when it stopped.
    this.records = Files.createDirectories(work.resolve("records"));
    try (var files = Files.list(records)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode record = Json.parse(Files.readString(file), "$");
        String id = record.path("id").asText();
        statuses.put(id, record.path("status").asText());
        byToken.put(record.path("token").asText(), id);
        if (record.path("status").asText().equals("IN_PROGRESS")) {
          log.println("local build " + id + " was in progress when the runtime stopped: again");
          run(id, record.path("token").asText(), record.path("request"));
        }
      }
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
          byte[] bytes = exchange.getRequestBody().readAllBytes();
          IamEnforcer enforcer = iam;
          if (enforcer != null) {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange
                .getRequestHeaders()
                .forEach(
                    (name, values) ->
                        headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
            var denial =
                enforcer.check(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    headers,
                    bytes);
            if (denial.isPresent()) {
              IamEnforcer.refuse(exchange, headers, denial.get());
              exchange.close();
              return;
            }
          }
          JsonNode request = Json.parse(new String(bytes, StandardCharsets.UTF_8), "$");
          ObjectNode response = Json.mapper().createObjectNode();
          if (target.endsWith(".StartBuild")) {
            String id =
                byToken.computeIfAbsent(
                    request.path("idempotencyToken").asText(UUID.randomUUID().toString()),
                    t -> start(t, request));
            describe(response.putObject("build"), id);
          } else if (target.endsWith(".BatchGetBuilds")) {
            var list = response.putArray("builds");
            request
                .path("ids")
                .forEach(
                    i -> {
                      if (statuses.containsKey(i.asText())) {
                        describe(list.addObject(), i.asText());
                      }
                    });
          } else {
            exchange.sendResponseHeaders(400, -1);
            return;
          }
          byte[] body = Json.mapper().writeValueAsBytes(response);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on, requests signed as a handler are judged as its role (see IamEnforcer). */
  void enforce(IamEnforcer enforcer) {
    iam = enforcer;
  }

  private String arn(String id) {
    return "arn:aws:codebuild:" + side.region + ":" + side.account + ":build/" + id;
  }

  private void describe(ObjectNode build, String id) {
    build.put("id", id).put("arn", arn(id)).put("projectName", id.substring(0, id.indexOf(':')));
    long[] t = times.getOrDefault(id, new long[] {System.currentTimeMillis(), 0});
    build.put("buildStatus", statuses.get(id)).put("startTime", t[0] / 1000.0);
    if (t[1] > 0) {
      build.put("endTime", t[1] / 1000.0);
    }
  }

  private String start(String token, JsonNode request) {
    String project = request.path("projectName").asText();
    String id = project + ":" + UUID.randomUUID();
    statuses.put(id, "IN_PROGRESS");
    times.put(id, new long[] {System.currentTimeMillis(), 0});
    ObjectNode record = Json.mapper().createObjectNode();
    record.put("id", id).put("token", token).set("request", request);
    save(id, record);
    run(id, token, request);
    return id;
  }

  /** Writes the build's record with its current status (whole or not at all). */
  private void save(String id, ObjectNode record) {
    record.put("status", statuses.get(id));
    try {
      StateDirectory.writeAtomically(
          records.resolve(id.replace(':', '_') + ".json"), record.toString());
    } catch (IOException e) {
      log.println("local build " + id + ": could not save its record: " + e.getMessage());
    }
  }

  private void run(String id, String token, JsonNode request) {
    String project = request.path("projectName").asText();
    Map<String, String> env = new TreeMap<>();
    request
        .path("environmentVariablesOverride")
        .forEach(v -> env.put(v.path("name").asText(), v.path("value").asText()));
    String releaseId = env.get("SLIPWAY_RELEASE_ID");
    builds.submit(
        () -> {
          String status;
          try {
            side.buildState(project, arn(id), "IN_PROGRESS", releaseId);
            if (instant) {
              status = request.has("artifactsOverride") ? "SUCCEEDED" : instantImage(releaseId);
            } else {
              status = execute(id, project, request, releaseId);
            }
          } catch (Exception e) {
            log.println("local build " + id + " failed: " + e.getMessage());
            status = "FAILED";
          }
          times.computeIfAbsent(id, k -> new long[] {System.currentTimeMillis(), 0})[1] =
              System.currentTimeMillis();
          statuses.put(id, status);
          ObjectNode record = Json.mapper().createObjectNode();
          record.put("id", id).put("token", token).set("request", request);
          save(id, record);
          side.buildState(project, arn(id), status, releaseId);
        });
  }

  /**
   * Runs the project's buildspec as CodeBuild would (LocalBuild); after an image build, plays ECR
   * for the push the build made to the local registry: the manifests mirrored into the emulator's
   * ECR under the same digests, the push event, and the scanning.
   */
  private String execute(String id, String projectName, JsonNode request, String releaseId)
      throws Exception {
    TemplateRules.Project project = projects.get(projectName);
    if (project == null) {
      log.println("local build " + id + ": the template has no project " + projectName);
      return "FAILED";
    }
    boolean compile = request.has("artifactsOverride");
    // Named by the build's own id (a known project and a UUID), never by anything in the request.
    Path dir = work.resolve(id.replace(':', '_'));
    LocalBuild.Result result =
        LocalBuild.run(
            setting,
            project,
            roleClients.apply(projectName),
            roleKeys.apply(projectName),
            id,
            request,
            dir);
    if (!result.status().equals("SUCCEEDED") || compile) {
      return result.status();
    }
    return afterImage(releaseId, dir.resolve("src"), project);
  }

  private String afterImage(String releaseId, Path src, TemplateRules.Project project)
      throws Exception {
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
    String uri = project.environment().getOrDefault("SLIPWAY_REPOSITORY_URI", "");
    String repository = uri.substring(uri.indexOf('/') + 1);
    RegistryClient client = new RegistryClient(registry, true, null);
    RegistryClient.Manifest index = client.getManifest(repository, digest);
    Map<String, String> platforms = new java.util.LinkedHashMap<>();
    for (JsonNode m : index.json().path("manifests")) {
      String platform =
          m.path("platform").path("os").asText()
              + "/"
              + m.path("platform").path("architecture").asText();
      if (platform.startsWith("unknown")) {
        continue; // attestations
      }
      RegistryClient.Manifest manifest = client.getManifest(repository, m.path("digest").asText());
      mirror(
          repository,
          new dev.slipway.toolchain.image.Blob(
              manifest.mediaType(),
              manifest.digest(),
              manifest.content().length,
              manifest.content()),
          releaseId + "-" + platform.replace('/', '-'));
      platforms.put(platform, manifest.digest());
    }
    mirror(
        repository,
        new dev.slipway.toolchain.image.Blob(
            index.mediaType(), index.digest(), index.content().length, index.content()),
        releaseId);
    side.imagePushed(repository, index.digest(), releaseId);
    BuildReport report =
        Json.mapper()
            .readValue(Files.readString(src.resolve(BuildReport.FILE_NAME)), BuildReport.class);
    scan(repository, report, src, platforms, releaseId);
    return "SUCCEEDED";
  }

  private void mirror(String repository, dev.slipway.toolchain.image.Blob manifest, String tag) {
    try {
      aws.ecr.putImage(
          r ->
              r.repositoryName(repository)
                  .imageManifest(new String(manifest.content(), StandardCharsets.UTF_8))
                  .imageManifestMediaType(manifest.mediaType())
                  .imageDigest(manifest.digest())
                  .imageTag(tag));
    } catch (software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException again) {
      // a build run again after a restart: the same digest under the same tag is already there
    }
  }

  /** Plays ECR scanning: findings from the OSV scanner, queued in the emulator, then the event. */
  private void scan(
      String repository,
      BuildReport report,
      Path out,
      Map<String, String> platforms,
      String releaseId)
      throws Exception {
    for (var p : platforms.entrySet()) {
      var target =
          report.targets().stream()
              .filter(t -> t.platform().equals(p.getKey()))
              .findFirst()
              .orElseThrow();
      var info =
          new ProcessRunner(Duration.ofMinutes(1))
              .run(
                  List.of("go", "version", "-m", out.resolve(target.path()).toString()),
                  Map.of(),
                  out);
      List<Finding> findings = scanner.scan(GoBuildInfo.parse(info.output()));
      reportScan(
          repository, p.getValue(), releaseId + "-" + p.getKey().replace('/', '-'), findings);
      log.println(
          "  scan "
              + releaseId
              + " "
              + p.getKey()
              + ": "
              + (findings.isEmpty() ? "no findings" : findings));
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
    try {
      aws.ecr.startImageScan(
          r -> r.repositoryName(repository).imageId(i -> i.imageDigest(digest).imageTag(tag)));
    } catch (software.amazon.awssdk.services.ecr.model.LimitExceededException again) {
      // ECR allows one scan per image a day: this is the SDK's retry of a start whose answer
      // was lost (or a build run again after a restart), and the scan it started stands.
      log.println(
          "  scan of " + digest + " already started: " + again.awsErrorDetails().errorMessage());
    }
    ObjectNode result = Json.mapper().createObjectNode();
    Map<String, Integer> counts = new TreeMap<>();
    if (enhancedScanning) {
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
    MotoApi.post(
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
  private String instantImage(String releaseId) throws Exception {
    String repository = System.getProperty("slipway.local.repository", LocalRuntime.REPOSITORY);
    ObjectNode index = Json.mapper().createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
    var manifests = index.putArray("manifests");
    List<String> digests = new java.util.ArrayList<>();
    List<String> tags = new java.util.ArrayList<>();
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
      String digest = sha256(bytes);
      mirror(
          repository,
          new dev.slipway.toolchain.image.Blob(
              "application/vnd.oci.image.manifest.v1+json", digest, bytes.length, bytes),
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
    byte[] bytes = Json.mapper().writeValueAsBytes(index);
    String digest = sha256(bytes);
    mirror(
        repository,
        new dev.slipway.toolchain.image.Blob(
            "application/vnd.oci.image.index.v1+json", digest, bytes.length, bytes),
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
    try {
      return "sha256:"
          + java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    builds.shutdownNow();
    LocalBuild.stopAll(setting.running());
  }
}
