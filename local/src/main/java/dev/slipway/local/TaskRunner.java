package dev.slipway.local;

import dev.slipway.aws.AwsClients;
import dev.slipway.aws.EcsDeployments;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.json.Json;
import dev.slipway.release.Manifest;
import dev.slipway.toolchain.image.RegistryClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * ECS's side: watches the emulator's ECS services; when one gets a new task definition, pulls its
 * image by digest from the local registry, starts the Linux binary for this machine as a process,
 * probes its health endpoints, and reports the deployment with ECS's event. During the bake it
 * sends light traffic and raises the service's 5xx alarm when answers go bad. A task that never
 * becomes healthy is stopped and the service put back on its previous task definition, as the
 * deployment circuit breaker does.
 */
final class TaskRunner implements AutoCloseable {
  private final AwsClients aws;
  private final AwsSide side;
  private final String registry;
  private final Path work;
  private final PrintStream log;
  private final Map<String, String> seenTaskDefinition = new HashMap<>();

  /**
   * What is kept across restarts: per service, the task definition whose rollout was reported (its
   * event put on the bus). A runtime killed mid-rollout finds the service on a newer task
   * definition than this on restart, and rolls it out again; one killed after the report finds them
   * equal and only starts the task again.
   */
  private final Map<String, String> reported = new ConcurrentHashMap<>();

  /** Services whose task ran when an earlier run stopped: started again, silently, as ECS would. */
  private final Set<String> restore = new HashSet<>();

  private final Path stateFile;

  /** A drill's ECS: every rollout completes at once, with no process started. */
  private final boolean instant;

  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private volatile boolean stopped;

  record Running(Process process, int port, Instant since, int[] errors) {}

  /**
   * What ECS answers about deployments (moto does not keep it): written here, read by the proxy.
   */
  private final Rollouts rollouts;

  /** Where the tasks' output goes besides their files: the awslogs driver's group and stream. */
  private final LogShipper logs;

  TaskRunner(
      AwsClients aws,
      AwsSide side,
      String registry,
      Path work,
      PrintStream log,
      LogShipper logs,
      boolean instant,
      Rollouts rollouts)
      throws IOException {
    this.logs = logs;
    this.rollouts = rollouts;
    this.instant = instant;
    this.aws = aws;
    this.side = side;
    this.registry = registry;
    this.work = work;
    this.log = log;
    this.stateFile = work.resolve("services.json");
    if (Files.exists(stateFile)) {
      Json.parse(Files.readString(stateFile), "$")
          .fields()
          .forEachRemaining(
              e -> {
                seenTaskDefinition.put(e.getKey(), e.getValue().path("taskDefinition").asText());
                reported.put(e.getKey(), e.getValue().path("taskDefinition").asText());
                if (e.getValue().path("running").asBoolean()) {
                  restore.add(e.getKey());
                }
              });
    }
  }

  /** What a restarted runtime needs: each service's task definition and whether a task ran. */
  private synchronized void save() {
    var state = Json.mapper().createObjectNode();
    reported.forEach(
        (service, td) ->
            state
                .putObject(service)
                .put("taskDefinition", td)
                .put("running", running.containsKey(service)));
    try {
      StateDirectory.writeAtomically(stateFile, state.toString());
    } catch (IOException e) {
      log.println("  tasks: could not save " + stateFile + ": " + e.getMessage());
    }
  }

  /** The loopback port of the task serving {@code serviceName} now, if one runs. */
  OptionalInt port(String serviceName) {
    return running.entrySet().stream()
        .filter(e -> e.getKey().endsWith("/" + serviceName))
        .mapToInt(e -> e.getValue().port())
        .findFirst();
  }

  /**
   * Services a call changed since the last tick ({@code cluster + '\n' + service}), told by the
   * proxy that sees every call: only these are asked about, as ECS reacts to the UpdateService
   * itself. With 200 services, asking about all of them every second was about 23 requests a
   * second, the emulator's largest single load in the 200-release drill.
   */
  private final Set<String> changed = ConcurrentHashMap.newKeySet();

  /** Each service as last described: what the traffic pass needs of the ones running. */
  private final Map<String, Service> described = new ConcurrentHashMap<>();

  /**
   * How often every service is still described, changed or not: the first tick (services created
   * with the stack, tasks to resume after a restart), then this often as a safety net for a change
   * the proxy could not attribute.
   */
  static final Duration FULL_PASS = Duration.ofSeconds(30);

  private volatile Instant nextFullPass = Instant.EPOCH;

  /** Describes every service at the next tick (tests; the schedule does it every FULL_PASS). */
  void fullPassAtNextTick() {
    nextFullPass = Instant.EPOCH;
  }

  /** A call changed {@code service} of {@code cluster} (names or ARNs, as the call gave them). */
  void changed(String cluster, String service) {
    changed.add(cluster + "\n" + service);
  }

  /** One pass: new task definitions of the services that changed, then traffic to what runs. */
  void tick() {
    Map<String, List<String>> byCluster = new TreeMap<>();
    for (String key : List.copyOf(changed)) {
      changed.remove(key);
      int cut = key.indexOf('\n');
      byCluster
          .computeIfAbsent(key.substring(0, cut), c -> new ArrayList<>())
          .add(key.substring(cut + 1));
    }
    if (!Instant.now().isBefore(nextFullPass)) {
      byCluster.clear();
      for (String cluster : aws.ecs().listClusters().clusterArns()) {
        List<String> all = new ArrayList<>();
        aws.ecs().listServicesPaginator(r -> r.cluster(cluster)).serviceArns().forEach(all::add);
        byCluster.put(cluster, all);
      }
      nextFullPass = Instant.now().plus(FULL_PASS);
    }
    for (var entry : byCluster.entrySet()) {
      String cluster = entry.getKey();
      List<String> names = entry.getValue();
      for (int i = 0; i < names.size(); i += 10) { // DescribeServices takes ten at a time
        List<String> page = names.subList(i, Math.min(names.size(), i + 10));
        for (Service service :
            aws.ecs().describeServices(r -> r.cluster(cluster).services(page)).services()) {
          described.put(service.serviceArn(), service);
          reconcile(cluster, service);
        }
      }
    }
    for (String arn : List.copyOf(running.keySet())) {
      Service service = described.get(arn);
      if (service != null) {
        traffic(service);
      }
    }
  }

  private void reconcile(String cluster, Service service) {
    String previous = seenTaskDefinition.put(service.serviceArn(), service.taskDefinition());
    if (previous == null) {
      reported.put(service.serviceArn(), service.taskDefinition());
      save();
    } else if (!previous.equals(service.taskDefinition())) {
      restore.remove(service.serviceArn());
      deploy(cluster, service, previous);
    } else if (restore.remove(service.serviceArn()) && !instant) {
      resume(service);
    }
  }

  private void deploy(String cluster, Service service, String previous) {
    String deploymentId =
        service.deployments().stream()
            .filter(d -> "PRIMARY".equals(d.status()))
            .findFirst()
            .map(d -> d.id())
            .orElse("ecs-svc/local");
    if (instant) {
      completed(service, deploymentId);
      return;
    }
    try {
      Running started = start(service);
      Shift shift = started == null ? null : Shift.of(service);
      if (started != null && shift != null) {
        Running old = running.get(service.serviceArn());
        if (old != null && !shiftTraffic(service, shift, old, started)) {
          // ECS's alarm-based rollback: all traffic back on the old revision, the new one gone.
          started.process().destroy();
          rollouts.ended(service.serviceArn(), service.taskDefinition(), false);
          side.deployment(
              service.serviceArn(),
              "SERVICE_DEPLOYMENT_FAILED",
              deploymentId,
              "ECS deployment rolled back: alarm "
                  + service.serviceName()
                  + "-5xx entered ALARM during the "
                  + shift.label()
                  + " shift.");
          aws.ecs()
              .updateService(
                  r -> r.cluster(cluster).service(service.serviceName()).taskDefinition(previous));
          seenTaskDefinition.put(service.serviceArn(), previous);
          reported.put(service.serviceArn(), previous);
          save();
          log.println("  tasks " + service.serviceName() + ": rolled back to " + previous);
          return;
        }
      }
      if (started == null) {
        // The event first, then the rollback: a runtime killed in between rolls out again.
        rollouts.ended(service.serviceArn(), service.taskDefinition(), false);
        side.deployment(
            service.serviceArn(),
            "SERVICE_DEPLOYMENT_FAILED",
            deploymentId,
            "ECS deployment circuit breaker: tasks failed to start.");
        aws.ecs()
            .updateService(
                r -> r.cluster(cluster).service(service.serviceName()).taskDefinition(previous));
        seenTaskDefinition.put(service.serviceArn(), previous);
        reported.put(service.serviceArn(), previous);
        if (!running.containsKey(service.serviceArn())) {
          restore.add(service.serviceArn()); // after a restart: the previous task starts again
        }
        save();
        log.println("  tasks " + service.serviceName() + ": unhealthy, rolled back to " + previous);
        return;
      }
      Running old = running.put(service.serviceArn(), started);
      if (old != null) {
        old.process().destroy();
      }
      log.println(
          "  tasks "
              + service.serviceName()
              + ": healthy on 127.0.0.1:"
              + started.port()
              + " ("
              + deploymentId
              + ")");
      completed(service, deploymentId);
    } catch (Exception e) {
      log.println("  tasks " + service.serviceName() + ": " + e.getMessage());
      rollouts.ended(service.serviceArn(), service.taskDefinition(), false);
      side.deployment(
          service.serviceArn(), "SERVICE_DEPLOYMENT_FAILED", deploymentId, e.getMessage());
    }
  }

  /** Reports the rollout with ECS's event, then saves it as reported (never the other way). */
  private void completed(Service service, String deploymentId) {
    rollouts.ended(service.serviceArn(), service.taskDefinition(), true);
    side.deployment(
        service.serviceArn(),
        "SERVICE_DEPLOYMENT_COMPLETED",
        deploymentId,
        "ECS deployment " + deploymentId + " completed.");
    reported.put(service.serviceArn(), service.taskDefinition());
    save();
  }

  /** Starts the service's task again after a restart of the runtime; no deployment, no event. */
  private void resume(Service service) {
    try {
      Running started = start(service);
      if (started != null) {
        running.put(service.serviceArn(), started);
        log.println(
            "  tasks " + service.serviceName() + ": resumed on 127.0.0.1:" + started.port());
      } else {
        log.println("  tasks " + service.serviceName() + ": did not become healthy on resume");
      }
      save();
    } catch (Exception e) {
      log.println("  tasks " + service.serviceName() + ": resume: " + e.getMessage());
    }
  }

  /**
   * Pulls the service's image, starts its binary, and probes it; null when it never got healthy.
   */
  private Running start(Service service) throws Exception {
    var taskDefinition =
        aws.ecs()
            .describeTaskDefinition(r -> r.taskDefinition(service.taskDefinition()))
            .taskDefinition();
    String image = taskDefinition.containerDefinitions().get(0).image();
    int at = image.indexOf('@');
    if (at < 0) {
      throw new IOException("image " + image + " is not pinned by digest");
    }
    String name = image.substring(0, at);
    String first = name.contains("/") ? name.substring(0, name.indexOf('/')) : "";
    // "registry.host/repo" or plain "repo": the registry part is ECR's name for ours.
    String repository =
        first.contains(".") || first.contains(":") ? name.substring(first.length() + 1) : name;
    Path binary = pull(repository, image.substring(at + 1));
    int port = ManagedProcess.freePort();
    ProcessBuilder builder = new ProcessBuilder(binary.toString()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(taskEnvironment(taskDefinition.containerDefinitions().get(0), port));
    Process process = builder.start();
    copyOutput(
        process,
        work.resolve(service.serviceName() + "-" + port + ".log"),
        awslogs(taskDefinition.containerDefinitions().get(0)));
    Probe probe = Probe.of(taskDefinition.containerDefinitions().get(0));
    if (!healthy(port, probe)) {
      log.println(
          "  tasks "
              + service.serviceName()
              + ": "
              + probe.liveness()
              + " and "
              + probe.readiness()
              + " did not both answer 200 within "
              + probe.deadline().toSeconds()
              + " s");
      process.destroy();
      return null;
    }
    return new Running(process, port, Instant.now(), new int[] {0});
  }

  /**
   * The awslogs driver's stream for a new task of {@code container}: its group, and {@code
   * prefix/container/task-id}; null when the container logs elsewhere (or nowhere).
   */
  private LogShipper.Stream awslogs(ContainerDefinition container) {
    var config = container.logConfiguration();
    if (config == null || !"awslogs".equals(config.logDriverAsString())) {
      return null;
    }
    String group = config.options().get("awslogs-group");
    String prefix = config.options().get("awslogs-stream-prefix");
    if (group == null) {
      return null;
    }
    String task = java.util.UUID.randomUUID().toString().replace("-", "");
    return logs.stream(group, (prefix == null ? "" : prefix + "/" + container.name() + "/") + task);
  }

  /** Copies a task's output to its file and, when it has one, its log stream, line by line. */
  private static void copyOutput(Process process, Path file, LogShipper.Stream stream) {
    Thread copier =
        new Thread(
            () -> {
              try (var in =
                      new java.io.BufferedReader(
                          new java.io.InputStreamReader(
                              process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                  var out = Files.newBufferedWriter(file)) {
                String line;
                while ((line = in.readLine()) != null) {
                  out.write(line);
                  out.newLine();
                  out.flush();
                  if (stream != null) {
                    stream.line(line);
                  }
                }
              } catch (IOException ended) {
                // the task stopped
              }
            },
            "task-output-" + process.pid());
    copier.setDaemon(true);
    copier.start();
  }

  /**
   * What the task runner probes, from the task definition alone (as ECS and the load balancer have
   * only that): the paths the release's container labels name (the manifest's; the defaults for a
   * container without them), given up after the container health check's start period plus its
   * retries times its interval.
   */
  record Probe(String liveness, String readiness, Duration deadline, Duration timeout) {
    static Probe of(ContainerDefinition container) {
      Map<String, String> labels = container.dockerLabels();
      String liveness = labels.getOrDefault(EcsDeployments.LIVENESS_LABEL, "/healthz");
      String readiness = labels.getOrDefault(EcsDeployments.READINESS_LABEL, "/readyz");
      var check = container.healthCheck();
      if (check == null) {
        return new Probe(liveness, readiness, Duration.ofSeconds(10), Duration.ofSeconds(1));
      }
      int interval = check.interval() == null ? 30 : check.interval();
      int retries = check.retries() == null ? 3 : check.retries();
      int start = check.startPeriod() == null ? 0 : check.startPeriod();
      int timeout = check.timeout() == null ? 5 : check.timeout();
      return new Probe(
          liveness,
          readiness,
          Duration.ofSeconds(start + (long) interval * retries),
          Duration.ofSeconds(timeout));
    }
  }

  /**
   * A task's whole environment, as ECS gives one: nothing of this process's (a developer's AWS
   * credentials, tokens, PATH), only what the container definition sets, the port, and loopback as
   * the address (a container's own network is private; this machine's is not).
   */
  static Map<String, String> taskEnvironment(ContainerDefinition container, int port) {
    Map<String, String> env = new TreeMap<>();
    container.environment().forEach(pair -> env.put(pair.name(), pair.value()));
    env.put("PORT", Integer.toString(port));
    env.put("HOST", "127.0.0.1");
    return env;
  }

  /** Pulls the image for this machine's platform and unpacks its entrypoint binary. */
  private Path pull(String repository, String digest) throws Exception {
    RegistryClient client = new RegistryClient(registry, true, null);
    String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "arm64" : "amd64";
    String manifestDigest = ImageFiles.platforms(client, repository, digest).get("linux/" + arch);
    if (manifestDigest == null) {
      throw new IOException("the image has no linux/" + arch + " variant to run here");
    }
    // A directory per task start: a running task's binary is never overwritten ("text file busy").
    return ImageFiles.entrypoint(
        client,
        repository,
        manifestDigest,
        work.resolve("tasks").resolve(manifestDigest.substring(7, 19) + "-" + System.nanoTime()));
  }

  /** Healthy as soon as both paths answer 200; unhealthy when the probe's deadline passes. */
  private boolean healthy(int port, Probe probe) throws InterruptedException {
    long deadline = System.nanoTime() + probe.deadline().toNanos();
    while (System.nanoTime() < deadline) {
      if (get(port, probe.liveness()) == 200 && get(port, probe.readiness()) == 200) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private int get(int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * An ECS deployment strategy as the service's deployment configuration sets it (blue/green,
   * linear, canary): the new revision's share of the traffic at each step, how long each step
   * holds, and the bake at 100% with the old revision still beside it. Local minutes are
   * LocalRuntime.LOCAL_TIME_SCALE times shorter (as the reconciler's schedule is). Null for a
   * rolling deployment (the service's default).
   */
  record Shift(String label, List<Double> steps, Duration step, Duration bake) {
    static Shift of(Service service) {
      var c = service.deploymentConfiguration();
      if (c == null || c.strategy() == null) {
        return null;
      }
      int bake = c.bakeTimeInMinutes() == null ? 0 : c.bakeTimeInMinutes();
      return switch (c.strategyAsString()) {
        case "BLUE_GREEN" -> new Shift("blue/green", List.of(100.0), Duration.ZERO, local(bake));
        case "CANARY" -> {
          var canary = c.canaryConfiguration();
          yield shifting(
              Manifest.Strategy.Kind.CANARY,
              canary == null ? null : canary.canaryPercent(),
              5.0,
              canary == null ? null : canary.canaryBakeTimeInMinutes(),
              10,
              bake);
        }
        case "LINEAR" -> {
          var linear = c.linearConfiguration();
          yield shifting(
              Manifest.Strategy.Kind.LINEAR,
              linear == null ? null : linear.stepPercent(),
              10.0,
              linear == null ? null : linear.stepBakeTimeInMinutes(),
              6,
              bake);
        }
        default -> null;
      };
    }

    /** A canary or linear shift: ECS's defaults where the configuration leaves a value out. */
    private static Shift shifting(
        Manifest.Strategy.Kind kind,
        Double percent,
        double defaultPercent,
        Integer minutes,
        int defaultMinutes,
        int bake) {
      int step = minutes == null ? defaultMinutes : minutes;
      Manifest.Strategy strategy =
          new Manifest.Strategy(kind, percent == null ? defaultPercent : percent, step);
      return new Shift(strategy.label(), strategy.steps(), local(step), local(bake));
    }

    private static Duration local(int minutes) {
      return Duration.ofMillis(minutes * 60_000L / LocalRuntime.LOCAL_TIME_SCALE);
    }
  }

  /** Synthetic requests per traffic step at least, whatever the step's time. */
  static final int REQUESTS_PER_STEP = 40;

  /**
   * Plays a strategy's traffic shift between the old task and the new (ECS moves the production
   * listener rule's weights between the two target groups): at each step the new revision gets its
   * share of the synthetic requests; five errors from it raise the service's 5xx alarm, and the
   * shift is abandoned (false). Every step, then the bake at 100%, holds for its time (and {@link
   * #REQUESTS_PER_STEP} requests at least). What reached the new revision is logged: a canary's
   * point is how little does.
   */
  private boolean shiftTraffic(Service service, Shift shift, Running old, Running fresh)
      throws InterruptedException {
    String name = service.serviceName();
    int sent = 0;
    int toNew = 0;
    int errors = 0;
    List<Double> steps = shift.steps();
    for (int i = 0; i < steps.size(); i++) {
      double share = steps.get(i);
      boolean last = i == steps.size() - 1;
      Duration hold = last ? shift.bake() : shift.step();
      log.println(
          "  tasks "
              + name
              + ": "
              + shift.label()
              + " step "
              + (i + 1)
              + "/"
              + steps.size()
              + ": "
              + share
              + "% of traffic to the new revision for "
              + hold.toMillis()
              + " ms");
      long until = System.nanoTime() + hold.toNanos();
      int inStep = 0;
      double owed = 0;
      while (inStep < REQUESTS_PER_STEP || System.nanoTime() < until) {
        owed += share / 100;
        boolean toFresh = owed >= 1 - 1e-9;
        if (toFresh) {
          owed -= 1;
          toNew++;
          int code = get(fresh.port(), "/");
          if (code == 0 || code >= 500) {
            errors++;
          }
        } else {
          get(old.port(), "/");
        }
        sent++;
        inStep++;
        if (errors >= 5) {
          side.alarm(name + "-5xx", "5 of the new revision's answers were errors");
          log.println(
              "  tasks "
                  + name
                  + ": "
                  + shift.label()
                  + " rolled back at "
                  + share
                  + "%: "
                  + toNew
                  + " of "
                  + sent
                  + " requests reached the new revision, "
                  + errors
                  + " failed");
          return false;
        }
        Thread.sleep(25);
      }
    }
    log.println(
        "  tasks "
            + name
            + ": "
            + shift.label()
            + " complete: "
            + toNew
            + " of "
            + sent
            + " requests reached the new revision, "
            + errors
            + " failed");
    return true;
  }

  /** Light traffic during the bake; five bad answers raise the service's 5xx alarm once. */
  private void traffic(Service service) {
    Running task = running.get(service.serviceArn());
    if (task == null || task.errors()[0] < 0) {
      return;
    }
    int code = get(task.port(), "/");
    if (code == 0 || code >= 500) {
      task.errors()[0]++;
    }
    if (task.errors()[0] >= 5) {
      task.errors()[0] = -1;
      // The moment the alarm enters ALARM, before its state-change event is put on the bus (the
      // reaction benchmark measures from here).
      Instant raised = Instant.now();
      side.alarm(service.serviceName() + "-5xx", "5 of the service's answers were errors");
      log.println("  tasks " + service.serviceName() + ": 5xx alarm raised at " + raised);
    }
  }

  boolean stopped() {
    return stopped;
  }

  @Override
  public void close() {
    stopped = true;
    running.values().forEach(r -> r.process().destroy());
  }
}
