package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.release.Sha256;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * One build, run as CodeBuild runs it (architecture §6): the project's buildspec from the template,
 * its environment variables with StartBuild's overrides and the ones CodeBuild sets, the S3 source
 * extracted only when it is a zip (any other object is left as the one file it is), the build's
 * role for every AWS call (the source download and artifact upload included, as CodeBuild makes
 * them with the project's service role), and the artifacts the buildspec declares uploaded where
 * StartBuild's override says.
 *
 * <p>What stands in for the build image, and only that: the local Go and JDK for its runtimes, the
 * AWS CLI from Slipway's cache, this machine's CA bundle for the image's ({@code
 * SLIPWAY_CA_BUNDLE}), and the local registry for ECR's registry host in {@code SLIPWAY_REGISTRY}.
 * The build does not inherit this process's environment (no real credentials reach it). The shells
 * that run are in the setting's {@code running} set, so a stopping runtime stops them.
 */
final class LocalBuild {
  /** What a run of the buildspec gave: CodeBuild's status and the build's log. */
  /**
   * How a build ended, its log, its last lines, and the SHA-256 of the artifact zip it uploaded
   * (null when none), which CodeBuild reports as the build's {@code artifacts.sha256sum}.
   */
  record Result(String status, Path log, List<String> lastLines, String artifactSha256) {
    Result(String status, Path log, List<String> lastLines) {
      this(status, log, lastLines, null);
    }
  }

  /** What every build shares: where "AWS" is, the registry, the tools. */
  record Setting(
      String endpoint,
      String region,
      String account,
      String registry,
      Path awsCli,
      Path goCache,
      PrintStream log,
      LogShipper logs,
      Map<String, Process> running) {}

  private LocalBuild() {}

  /** Stops every build in {@code running} and everything it started (the runtime is stopping). */
  static void stopAll(Map<String, Process> running) {
    running.keySet().forEach(buildId -> stop(running, buildId));
  }

  /** Stops build {@code buildId} and everything it started; false when it is not running. */
  static boolean stop(Map<String, Process> running, String buildId) {
    Process process = running.get(buildId);
    if (process == null) {
      return false;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    return true;
  }

  static Result run(
      Setting setting,
      TemplateRules.Project project,
      AwsClients asRole,
      String accessKey,
      String buildId,
      JsonNode request,
      Path dir)
      throws IOException, InterruptedException {
    StateDirectory.deleteTree(dir); // a new container: nothing of an earlier attempt
    Path src = Files.createDirectories(dir.resolve("src"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path home = Files.createDirectories(dir.resolve("home"));
    Path log = dir.resolve("build.log");
    Buildspec spec;
    try {
      spec = Buildspec.parse(project.buildspec());
    } catch (Buildspec.Invalid e) {
      Files.writeString(log, e.getMessage() + "\n");
      return new Result("FAILED", log, List.of(e.getMessage()));
    }

    String location = request.path("sourceLocationOverride").asText();
    String version = request.path("sourceVersion").asText("");
    if (!location.isEmpty()) {
      String bucket = location.substring(0, location.indexOf('/'));
      String key = location.substring(location.indexOf('/') + 1);
      try (InputStream in =
          asRole
              .s3()
              .getObject(
                  r -> r.bucket(bucket).key(key).versionId(version.isEmpty() ? null : version))) {
        if (key.endsWith(".zip")) {
          SafeExtract.extract(in, key, src);
        } else {
          // CodeBuild extracts an S3 source only when it is a zip: anything else is one file.
          Files.copy(in, src.resolve(key.substring(key.lastIndexOf('/') + 1)));
        }
      } catch (SdkException e) {
        String why =
            "CLIENT_ERROR: could not download the source " + location + ": " + e.getMessage();
        Files.writeString(log, why + "\n");
        return new Result("FAILED", log, List.of(why));
      }
    }

    Map<String, String> env = new LinkedHashMap<>();
    env.put(
        "PATH",
        setting.awsCli().getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", home.toString());
    env.put("TMPDIR", tmp.toString());
    env.put("LANG", "C.UTF-8");
    // Go's caches are shared between local builds for speed (CodeBuild's local cache would do the
    // same); the build's output never depends on them (-trimpath, module checksums).
    env.put("GOCACHE", setting.goCache().resolve("build").toString());
    env.put("GOMODCACHE", setting.goCache().resolve("mod").toString());
    env.put("GOPATH", setting.goCache().resolve("path").toString());
    env.put("AWS_REGION", setting.region());
    env.put("AWS_DEFAULT_REGION", setting.region());
    env.put("AWS_ENDPOINT_URL", setting.endpoint());
    env.put("AWS_ACCESS_KEY_ID", accessKey);
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("CODEBUILD_BUILD_ID", buildId);
    env.put(
        "CODEBUILD_BUILD_ARN",
        "arn:aws:codebuild:" + setting.region() + ":" + setting.account() + ":build/" + buildId);
    env.put("CODEBUILD_SRC_DIR", src.toString());
    env.put("CODEBUILD_RESOLVED_SOURCE_VERSION", version);
    env.put("CODEBUILD_SOURCE_VERSION", version);
    env.put("CODEBUILD_INITIATOR", "slipway-local");
    env.putAll(spec.variables());
    env.putAll(project.environment());
    request
        .path("environmentVariablesOverride")
        .forEach(v -> env.put(v.path("name").asText(), v.path("value").asText()));
    standIns(env, setting);

    Path script = spec.script(dir.resolve("buildspec"));
    ProcessBuilder bash =
        new ProcessBuilder("bash", script.toString())
            .directory(src.toFile())
            .redirectErrorStream(true);
    bash.environment().clear();
    bash.environment().putAll(env);
    Process process = bash.start();
    setting.running().put(buildId, process);
    try {
      return finish(process, project, log, spec, src, request, asRole, buildId, setting);
    } finally {
      setting.running().remove(buildId);
    }
  }

  private static Result finish(
      Process process,
      TemplateRules.Project project,
      Path log,
      Buildspec spec,
      Path src,
      JsonNode request,
      AwsClients asRole,
      String buildId,
      Setting setting)
      throws IOException, InterruptedException {
    List<String> tail = new ArrayList<>();
    // Where CodeBuild puts a project's build logs when the project names no other place.
    LogShipper.Stream shipped =
        setting.logs().stream(
            "/aws/codebuild/" + project.name(), buildId.substring(buildId.lastIndexOf(':') + 1));
    try (var out = Files.newBufferedWriter(log);
        var lines =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.write(line);
        out.newLine();
        setting.log().println("  build " + buildId + ": " + line);
        shipped.line(line);
        tail.add(line);
        if (tail.size() > 40) {
          tail.remove(0);
        }
      }
    }
    if (!process.waitFor(project.timeoutMinutes(), TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return new Result("TIMED_OUT", log, tail);
    }
    if (process.exitValue() != 0) {
      return new Result("FAILED", log, tail);
    }
    String[] checksum = {null};
    String uploaded = uploadArtifacts(spec, src, request, asRole, checksum);
    if (uploaded != null) {
      tail.add(uploaded);
      return new Result("FAILED", log, tail);
    }
    return new Result("SUCCEEDED", log, tail, checksum[0]);
  }

  /** What the local machine puts in place of the build image's paths and ECR's registry host. */
  private static void standIns(Map<String, String> env, Setting setting) {
    String bundle = env.get("SLIPWAY_CA_BUNDLE");
    if (bundle != null && !Files.isReadable(Path.of(bundle))) {
      for (String local :
          List.of("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")) {
        if (Files.isReadable(Path.of(local))) {
          env.put("SLIPWAY_CA_BUNDLE", local);
          break;
        }
      }
    }
    String ecr = setting.account() + ".dkr.ecr." + setting.region() + ".amazonaws.com";
    if (ecr.equals(env.get("SLIPWAY_REGISTRY"))) {
      env.put("SLIPWAY_REGISTRY", setting.registry());
    }
  }

  /**
   * Zips the buildspec's artifacts to where StartBuild's artifacts override says (S3, ZIP), as the
   * build's role; null when done or nothing was asked, else CodeBuild's reason.
   */
  private static String uploadArtifacts(
      Buildspec spec, Path src, JsonNode request, AwsClients asRole, String[] checksum)
      throws IOException {
    JsonNode artifacts = request.path("artifactsOverride");
    if (!artifacts.path("type").asText("NO_ARTIFACTS").equals("S3")) {
      return null;
    }
    List<Path> files = spec.artifacts(src);
    if (files.isEmpty()) {
      return "UPLOAD_ARTIFACTS: no matching artifact paths found";
    }
    Path base = spec.artifactBase(src);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (var out = new ZipOutputStream(zip)) {
      for (Path rel : files) {
        out.putNextEntry(new ZipEntry(rel.toString().replace('\\', '/')));
        Files.copy(base.resolve(rel), out);
        out.closeEntry();
      }
    }
    String bucket = artifacts.path("location").asText();
    String path = artifacts.path("path").asText("");
    String key = (path.isEmpty() ? "" : path + "/") + artifacts.path("name").asText("artifact.zip");
    try {
      asRole
          .s3()
          .putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(zip.toByteArray()));
    } catch (SdkException e) {
      return "UPLOAD_ARTIFACTS: " + e.getMessage();
    }
    checksum[0] = Sha256.hex(zip.toByteArray());
    return null;
  }
}
