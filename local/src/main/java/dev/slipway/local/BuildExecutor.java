package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.CodeBuildBuilds;
import dev.slipway.json.Json;
import dev.slipway.json.JsonField;
import dev.slipway.release.ManifestGrammar;
import dev.slipway.release.SourceRef;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * CodeBuild's API on loopback ({@code StartBuild}, {@code BatchGetBuilds}, judged by the IAM
 * enforcer), so the handlers' real CodeBuild adapter runs unchanged: it keeps each build's record
 * (a restarted runtime answers for builds it started before and runs again those in progress), runs
 * the build as CodeBuild would ({@link LocalBuild}), sends CodeBuild's state-change events, and
 * after an image build hands over to {@link EcrSide}.
 */
final class BuildExecutor implements AutoCloseable {
  private final HttpServer server;
  private volatile IamEnforcer iam;

  /**
   * CodeBuild runs many builds at once (a per-account quota of concurrent builds, tens by default).
   * Here a real build runs alone, as each compiles Go for two platforms on a machine of few cores;
   * a drill's instant builds (nothing compiled) run {@value #INSTANT_CONCURRENT_BUILDS} at once.
   * Tried before moto had its caches (issue 19), when moto saturated, it gained nothing; with them,
   * one at a time, the 200-release drill's 400 builds queued behind each other while the two cores
   * stood two-thirds idle: the drill measured this queue, not the engine.
   */
  static final int INSTANT_CONCURRENT_BUILDS = 20;

  private final ExecutorService builds;

  private final Map<String, String> statuses = new ConcurrentHashMap<>();

  /**
   * Each finished build's artifact checksum, as BatchGetBuilds reports it (artifacts.sha256sum).
   */
  private final Map<String, String> checksums = new ConcurrentHashMap<>();

  /** Builds a StopBuild is stopping: they end STOPPED, not FAILED. */
  private final Set<String> stopping = ConcurrentHashMap.newKeySet();

  /** When each build started and ended (epoch ms), answered as CodeBuild's startTime/endTime. */
  private final Map<String, long[]> times = new ConcurrentHashMap<>();

  private final Map<String, String> byToken = new ConcurrentHashMap<>();
  private final Path records;
  private final AwsClients aws;
  private final AwsSide side;
  private final Path work;
  private final PrintStream log;
  private final boolean instant;
  private final Map<String, TemplateRules.Project> projects;
  private final LocalBuild.Setting setting;
  private final EcrSide ecr;

  /** This run's secret: the first segment of every request's path. */
  private final String token = HexFormat.of().formatHex(randomBytes());

  private final Function<String, AwsClients> roleClients;
  private final Function<String, String> roleKeys;

  BuildExecutor(
      AwsClients aws,
      AwsSide side,
      Path work,
      EcrSide ecr,
      PrintStream log,
      boolean instant,
      Map<String, TemplateRules.Project> projects,
      LocalBuild.Setting setting,
      Function<String, AwsClients> roleClients,
      Function<String, String> roleKeys)
      throws IOException {
    this.ecr = ecr;
    this.projects = projects;
    this.setting = setting;
    this.roleClients = roleClients;
    this.roleKeys = roleKeys;
    this.instant = instant;
    this.builds =
        instant
            ? Executors.newFixedThreadPool(INSTANT_CONCURRENT_BUILDS)
            : Executors.newSingleThreadExecutor();
    this.aws = aws;
    this.side = side;
    this.work = work;
    this.log = log;
    // Each build's request and status, so a restarted runtime answers BatchGetBuilds for builds
    // it started before, and runs again the ones that were in progress when it stopped.
    this.records = Files.createDirectories(work.resolve("records"));
    try (var files = Files.list(records)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode record = Json.parse(Files.readString(file), "$");
        String id = record.path("id").asText();
        statuses.put(id, record.path("status").asText());
        if (record.hasNonNull("artifactSha256")) {
          checksums.put(id, record.path("artifactSha256").asText());
        }
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
          String path = exchange.getRequestURI().getRawPath();
          if (!path.equals("/" + token) && !path.startsWith("/" + token + "/")) {
            // Any process on this machine can reach the port: only this run's callers know the
            // path (the handlers' and the CLI's endpoint carries it).
            refuse(exchange, 403, "AccessDeniedException", "not a caller of this slipway local");
            return;
          }
          IamEnforcer enforcer = iam;
          if (enforcer != null) {
            Map<String, String> headers = new HashMap<>();
            exchange
                .getRequestHeaders()
                .forEach(
                    (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
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
            String problem = releaseIdProblem(request);
            if (problem != null) {
              refuse(exchange, 400, "InvalidInputException", problem);
              return;
            }
            String id =
                byToken.computeIfAbsent(
                    request.path("idempotencyToken").asText(UUID.randomUUID().toString()),
                    t -> start(t, request));
            describe(response.putObject("build"), id);
          } else if (target.endsWith(".StopBuild")) {
            String value = request.path("id").asText();
            String id = CodeBuildBuilds.buildId(value);
            if (!statuses.containsKey(id)) {
              refuse(exchange, 400, "ResourceNotFoundException", "build " + id + " not found");
              return;
            }
            if ("IN_PROGRESS".equals(statuses.get(id))) {
              stopping.add(id);
              LocalBuild.stop(setting.running(), id);
            }
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

  /** The stand-in's endpoint, with this run's secret path (see the server's first check). */
  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + token;
  }

  /**
   * Why a StartBuild's SLIPWAY_RELEASE_ID is not a release id (it names the build's events, tags
   * and records, so nothing else may pass), or null.
   */
  static String releaseIdProblem(JsonNode request) {
    String releaseId = null;
    for (JsonNode v : request.path("environmentVariablesOverride")) {
      if (v.path("name").asText().equals("SLIPWAY_RELEASE_ID")) {
        releaseId = v.path("value").asText();
      }
    }
    if (releaseId == null) {
      return "environmentVariablesOverride: SLIPWAY_RELEASE_ID is missing";
    }
    if (!ManifestGrammar.RELEASE_ID.matcher(releaseId).matches()
        || SourceRef.serviceOfReleaseId(releaseId).isEmpty()) {
      return "environmentVariablesOverride: SLIPWAY_RELEASE_ID "
          + JsonField.quote(releaseId)
          + " is not a release id (like hello-go-0123456789ab)";
    }
    return null;
  }

  private static void refuse(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    ObjectNode error = Json.mapper().createObjectNode().put("__type", type).put("message", message);
    byte[] body = Json.mapper().writeValueAsBytes(error);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
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
    String checksum = checksums.get(id);
    if (checksum != null) {
      build.putObject("artifacts").put("sha256sum", checksum);
    }
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
    record.put("artifactSha256", checksums.get(id));
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
            side.buildState(project, arn(id), "IN_PROGRESS", releaseId, null);
            if (instant) {
              if (request.has("artifactsOverride")) {
                // A drill's compile builds nothing; its checksum stands for the zip it would
                // upload.
                checksums.put(
                    id,
                    HexFormat.of().formatHex(id.getBytes(StandardCharsets.UTF_8)).substring(0, 64));
                status = "SUCCEEDED";
              } else {
                status = ecr.instantImage(releaseId, env.get("SLIPWAY_REPOSITORY"));
              }
            } else {
              status = execute(id, project, request, releaseId, env.get("SLIPWAY_REPOSITORY"));
            }
          } catch (Exception e) {
            log.println("local build " + id + " failed: " + e.getMessage());
            status = "FAILED";
          }
          if (stopping.remove(id)) {
            status = "STOPPED"; // as CodeBuild ends a build StopBuild stopped
          }
          times.computeIfAbsent(id, k -> new long[] {System.currentTimeMillis(), 0})[1] =
              System.currentTimeMillis();
          statuses.put(id, status);
          ObjectNode record = Json.mapper().createObjectNode();
          record.put("id", id).put("token", token).set("request", request);
          save(id, record);
          side.buildState(project, arn(id), status, releaseId, checksums.get(id));
        });
  }

  /**
   * Runs the project's buildspec as CodeBuild would (LocalBuild); after an image build, plays ECR
   * for the push the build made to the local registry: the manifests mirrored into the emulator's
   * ECR under the same digests, the push event, and the scanning.
   */
  private String execute(
      String id, String projectName, JsonNode request, String releaseId, String repository)
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
    if (result.artifactSha256() != null) {
      checksums.put(id, result.artifactSha256());
    }
    if (!result.status().equals("SUCCEEDED") || compile) {
      return result.status();
    }
    return ecr.afterImage(releaseId, dir.resolve("src"), repository);
  }

  @Override
  public void close() {
    server.stop(0);
    builds.shutdownNow();
    LocalBuild.stopAll(setting.running());
  }
}
