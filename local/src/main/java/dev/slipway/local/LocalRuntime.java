package dev.slipway.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.emulator.Installs;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.emulator.Moto;
import dev.slipway.emulator.Registry;
import dev.slipway.handler.SlipwayHandler;
import dev.slipway.json.Json;
import dev.slipway.release.Declarations;
import dev.slipway.release.DeclarationsReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole pipeline on one machine (architecture §6): moto_server as the AWS control plane, the
 * CDK app's rules installed with an SQS target each, a dispatcher that drains them into the same
 * handler classes the Lambdas run, CodeBuild played by {@link BuildExecutor} behind CodeBuild's
 * API, a real OCI registry (distribution's, which Slipway installs itself), the OSV scanner, and
 * {@link TaskRunner} for ECS.
 *
 * <p>Why this is long: it is the local runtime's composition root, read top to bottom in boot order
 * (emulator, journal, registry, template, queues and rules, builds, handlers, mappings,
 * dispatcher); making the template's resources real is {@link LocalWiring}, and the parts with
 * logic of their own are their own classes (TemplateRules, Dispatcher, BuildExecutor, TaskRunner,
 * EcrSide, IamEnforcer).
 */
public final class LocalRuntime implements AutoCloseable {
  /** The account and region the template was synthesized for (see infra-cdk's tests). */
  public static final String ACCOUNT = "210987654321";

  public static final String REGION = "eu-west-1";
  static final String REPOSITORY = "slipway/hello-go";

  /**
   * How much faster than on AWS the local runtime's waits run: queue visibility timeouts (360 s
   * there, 10 s here). The reconciler's schedule is compressed too (rate(5 minutes) every 5 s).
   */
  static final int LOCAL_TIME_SCALE = 36;

  /**
   * What to start: the synthesized template, a state directory, advisories, extra services to
   * create beyond the declared ones, {@code chaos}: deliver every event twice, in shuffled order (a
   * drill for duplicates and order), {@code fresh}: forget what an earlier run in the same state
   * directory left, and {@code declarations}: the services file the template was synthesized from
   * (null: the template's own; given, it must be the same); {@code webPort}: where the web page
   * listens on loopback (0: a free port).
   */
  public record Options(
      Path template,
      Path state,
      Path advisories,
      List<String> services,
      PrintStream log,
      boolean chaos,
      boolean fresh,
      Drill drill,
      Path declarations,
      int webPort) {
    /** Options for {@code template} in {@code state}, logging to {@code log}; the rest off. */
    public static Builder of(Path template, Path state, PrintStream log) {
      return new Builder(template, state, log);
    }

    /** The options beyond the template, the state directory and the log, each named. */
    public static final class Builder {
      private final Path template;
      private final Path state;
      private final PrintStream log;
      private Path advisories;
      private List<String> services = List.of();
      private boolean chaos;
      private boolean fresh;
      private Drill drill = Drill.NONE;
      private Path declarations;
      private int webPort;

      private Builder(Path template, Path state, PrintStream log) {
        this.template = template;
        this.state = state;
        this.log = log;
      }

      public Builder advisories(Path advisories) {
        this.advisories = advisories;
        return this;
      }

      public Builder services(List<String> services) {
        this.services = services;
        return this;
      }

      public Builder chaos(boolean chaos) {
        this.chaos = chaos;
        return this;
      }

      public Builder fresh(boolean fresh) {
        this.fresh = fresh;
        return this;
      }

      public Builder drill(Drill drill) {
        this.drill = drill;
        return this;
      }

      public Builder declarations(Path declarations) {
        this.declarations = declarations;
        return this;
      }

      /** The web page's loopback port; 0 (the default) takes a free one. */
      public Builder webPort(int webPort) {
        this.webPort = webPort;
        return this;
      }

      public Options build() {
        return new Options(
            template, state, advisories, services, log, chaos, fresh, drill, declarations, webPort);
      }
    }
  }

  /** What a start found in its state directory and brought back. */
  public record Resumed(int requests, int failed, int events) {}

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  private final AtomicBoolean closed = new AtomicBoolean();
  private String endpoint;
  private String bucket;
  private String codeBuild;
  private String registry;
  private String steeringUrl;
  private Path endpointsFile;
  private TaskRunner tasks;
  private LogShipper logShipper;

  /**
   * CloudWatch Logs in the emulator, straight (not journaled): the shipper writes, the page reads.
   */
  private CloudWatchLogsClient directLogs;

  private WebPage web;
  private JournalingProxy proxy;
  private volatile Dispatcher dispatcher;
  private final List<Thread> dispatcherThreads = new ArrayList<>();
  private Resumed resumed = new Resumed(0, 0, 0);
  private final RequestCounts requests = new RequestCounts();

  private LocalRuntime() {}

  public String endpoint() {
    return endpoint;
  }

  /** The CodeBuild stand-in's endpoint (StartBuild, BatchGetBuilds with start and end times). */
  public String codeBuildEndpoint() {
    return codeBuild;
  }

  public String bucket() {
    return bucket;
  }

  public String registry() {
    return registry;
  }

  /** The steering function's URL (approve, reject), served as an AWS_IAM function URL. */
  /** The local web page of the releases (loopback). */
  public String webUrl() {
    return web.url();
  }

  public String steeringUrl() {
    return steeringUrl;
  }

  /** What this start replayed from an earlier run's journal (zeros on a first start). */
  public Resumed resumed() {
    return resumed;
  }

  /** The loopback port where the ECS service {@code serviceName}'s current task answers, if any. */
  public OptionalInt servicePort(String serviceName) {
    return tasks.port(serviceName);
  }

  public static LocalRuntime start(Options options) throws Exception {
    LocalRuntime runtime = new LocalRuntime();
    try {
      runtime.boot(options);
      return runtime;
    } catch (Exception e) {
      runtime.close();
      throw e;
    }
  }

  private void boot(Options o) throws Exception {
    PrintStream log = o.log();
    StateDirectory.secure(o.state());
    resources.add(StateDirectory.lock(o.state()));
    Files.deleteIfExists(o.state().resolve("local.json")); // a killed run's endpoint is stale
    StateDirectory.stopLeftovers(o.state(), log);
    if (o.fresh()) {
      StateDirectory.forget(o.state());
      StateDirectory.secure(o.state()); // the journal anew, owner-only
    }
    JsonNode template = Json.parse(Files.readString(o.template()), "$");
    TemplateRules rules = new TemplateRules(template, ACCOUNT, REGION);
    rules.validate(); // before anything starts
    Declarations declared = declarations(rules, o.declarations());

    ManagedProcess moto = Moto.start(ACCOUNT, o.state().resolve("moto.log"), cacheDirectory(), log);
    resources.add(moto);
    String motoEndpoint = Moto.endpoint(moto);
    Path journalFile = o.state().resolve(StateDirectory.JOURNAL);
    List<Journal.Entry> history = Journal.recover(journalFile);
    Journal journal = new Journal(journalFile);
    resources.add(journal);
    Rollouts rollouts = new Rollouts(o.state());
    JournalingProxy proxy = new JournalingProxy(motoEndpoint, journal, log, rollouts);
    resources.add(proxy);
    endpoint = proxy.endpoint();
    // Every push to the registry is ECR's push: its notifications come to this listener.
    RegistryEvents registryEvents = new RegistryEvents(log);
    resources.add(registryEvents);
    ManagedProcess registryProcess =
        Registry.start(
            cacheDirectory(),
            o.state(),
            o.state().resolve("registry"),
            registryEvents.configuration(),
            false,
            log);
    resources.add(registryProcess);
    registry = "127.0.0.1:" + registryProcess.port;
    StateDirectory.remember(o.state(), moto.pid(), registryProcess.pid());

    Map<String, String> env = new HashMap<>(rules.handlerEnvironment());
    env.put("AWS_REGION", REGION);
    env.put("AWS_ENDPOINT_URL", endpoint);
    env.put("SLIPWAY_STUCK_AFTER_SECONDS", Integer.toString(o.drill().stuckAfterSeconds()));
    // Local handlers run in this process with no timeout, but their effects are short (builds and
    // rollouts run apart and answer with events): a claim a minute old is a killed handler's.
    env.put("SLIPWAY_CLAIM_TTL_SECONDS", "60");
    // A Dockerfile build needs a Docker daemon (buildx) and the base images its FROM lines name;
    // this machine has no daemon, and Debian's buildah, which would build without one, cannot
    // fetch FROM images from registries it cannot reach. Never build something else instead:
    // such an upload is refused, saying so (architecture §4).
    env.put(
        "SLIPWAY_DOCKERFILE_REFUSAL",
        "slipway local does not build Dockerfiles (no Docker daemon here, and the FROM images'"
            + " registries are out of reach); release this service on AWS, or leave"
            + " \"dockerfile\" out to have Slipway build its image");
    // The runtime's own credentials for the emulator, passed to its clients; nothing leaves this
    // machine.
    AwsClients aws = new AwsClients(env, AwsClients.EMULATOR_CREDENTIALS);
    resources.add(aws);
    SqsClient sqs =
        SqsClient.builder()
            .region(Region.of(REGION))
            .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
            .endpointOverride(URI.create(motoEndpoint)) // queues are not journaled
            .httpClient(UrlConnectionHttpClient.create())
            // counted as Lambda's poller would make them (the queues' set-up too, before any)
            .overrideConfiguration(c -> c.addExecutionInterceptor(pollerCounts(requests)))
            .build();
    resources.add(sqs);
    AwsSide side = new AwsSide(aws, ACCOUNT, REGION);
    // Straight to the emulator, not journaled: logs are not state a restart must rebuild.
    directLogs =
        CloudWatchLogsClient.builder()
            .region(Region.of(REGION))
            .credentialsProvider(AwsClients.EMULATOR_CREDENTIALS)
            .endpointOverride(URI.create(motoEndpoint))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    resources.add(directLogs);
    logShipper = new LogShipper(directLogs);
    resources.add(logShipper);

    bucket = rules.property("AWS::S3::Bucket", "BucketName");
    aws.s3()
        .createBucket(
            r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(REGION)));
    // Unversioned, unlike the CDK stack's bucket: release ids then come from the key and ETag,
    // which a replay of the journal gives back (moto's version ids are random on every replay).
    aws.s3()
        .putBucketNotificationConfiguration(
            r ->
                r.bucket(bucket)
                    .notificationConfiguration(n -> n.eventBridgeConfiguration(e -> {})));
    for (Declarations.Service service : declared.services()) {
      aws.ecr().createRepository(r -> r.repositoryName(service.repository()));
    }
    LocalWiring.createServices(aws, declared, o.services());

    // The template's queues and rules first: replaying the journal below puts past events on them
    // again.
    LocalWiring.Topology topology = LocalWiring.createTopology(rules, sqs, aws);

    Delivered delivered = new Delivered(o.state().resolve(StateDirectory.DELIVERED));
    resources.add(delivered);
    if (!history.isEmpty()) {
      int failed = proxy.replay(history);
      resumed = new Resumed(history.size(), failed, delivered.earlier());
      log.println(
          "slipway local: resumed from "
              + o.state()
              + ": "
              + history.size()
              + " journaled requests replayed ("
              + failed
              + " refused), "
              + delivered.earlier()
              + " events already handled");
    }
    proxy.startJournaling();
    this.proxy = proxy;
    if (o.drill().faultRate() > 0) {
      proxy.injectFaults(o.drill().faultRate(), o.drill().seed());
    }

    // Each handler is the class its function's Handler names, with its function's environment, and
    // calls "AWS" as its function's role, as each build does as its project's: the proxy and the
    // CodeBuild stand-in judge every request so signed against that role's policies in the
    // template (IamEnforcer), as AWS would.
    IamEnforcer iam =
        new IamEnforcer(IamSimulator.start(cacheDirectory(), log), ACCOUNT, REGION, log, requests);
    resources.add(iam);
    proxy.enforce(iam);
    EcrSide ecr =
        new EcrSide(
            aws,
            side,
            registry,
            OsvScanner.load(o.advisories()),
            log,
            motoEndpoint,
            // The scanning the template's Scan rule listens to: Inspector's (enhanced) or ECR's.
            rules.patterns().get("Scan").path("source").toString().contains("aws.inspector2"),
            declared.services().stream().map(Declarations.Service::repository).toList(),
            Files.createDirectories(o.state().resolve("scans")));
    registryEvents.deliverTo(ecr::pushed);
    BuildExecutor builds = startBuilds(o, rules, iam, aws, side, ecr, motoEndpoint);
    env.put("AWS_ENDPOINT_URL_CODEBUILD", builds.endpoint());
    codeBuild = builds.endpoint();
    Map<String, SlipwayHandler> handlerByFunction = LocalWiring.handlers(rules, iam, env, log);
    for (TemplateRules.UrlSpec url : rules.functionUrls()) {
      SlipwayHandler target = handlerByFunction.get(url.function());
      if (target != null) {
        SteeringUrl served = new SteeringUrl(target, url, ACCOUNT, log);
        resources.add(served);
        steeringUrl = served.url();
      }
    }
    LocalWiring.Mapped mapped = LocalWiring.map(rules, handlerByFunction, topology.queueUrls());

    tasks =
        new TaskRunner(
            aws,
            side,
            registry,
            Files.createDirectories(o.state().resolve("tasks")),
            log,
            logShipper,
            o.drill().instant(),
            rollouts);
    resources.add(tasks);
    proxy.onServiceChanges(tasks::changed);
    dispatcher =
        new Dispatcher(
            sqs,
            mapped.handlerByQueue(),
            mapped.batchSizes(),
            topology.deadLetterQueues(),
            delivered,
            o.chaos(),
            o.drill().dropRate(),
            new Random(o.drill().seed()),
            log,
            new AtomicLong(),
            new AtomicLong());
    startDispatching();
    loop("tasks", 1000, tasks::tick);
    // The reconciler's schedule (rate(N minutes) in AWS) runs every 5 s here, so a bake ends or a
    // lost event is recovered while one watches; but a tick reads every open release, and with
    // hundreds open it takes a while: it then waits as long as its last tick took (at most half
    // the time spent reconciling). Four times as long, as it was while moto lacked its caches and
    // saturated, left the 200-release fault drill idle for minutes with dropped events waiting.
    long[] lastTick = {0};
    SlipwayHandler scheduled = mapped.reconciler();
    loop(
        "reconciler",
        () -> Math.max(5000, lastTick[0]),
        () -> {
          long start = System.nanoTime();
          try {
            scheduled.handleRequest(
                new ByteArrayInputStream("{}".getBytes()), new ByteArrayOutputStream(), null);
          } finally {
            lastTick[0] = (System.nanoTime() - start) / 1_000_000;
          }
        },
        () -> true);

    // The web page reads straight from the emulator (not journaled, no IAM: it is the runtime's).
    AwsClients direct =
        new AwsClients(
            Map.of("AWS_REGION", REGION, "AWS_ENDPOINT_URL", motoEndpoint),
            AwsClients.EMULATOR_CREDENTIALS);
    resources.add(direct);
    web = new WebPage(direct.s3(), bucket, directLogs, direct.ecs(), o.webPort(), log);
    resources.add(web);

    ObjectNode endpoints = Json.mapper().createObjectNode();
    endpoints
        .put("web", web.url())
        .put("endpoint", endpoint)
        .put("bucket", bucket)
        .put("region", REGION)
        .put("registry", registry)
        .put("steeringUrl", steeringUrl);
    endpointsFile = o.state().resolve("local.json");
    Files.writeString(endpointsFile, endpoints.toString());
  }

  /**
   * The declarations the template's handlers hold; when a services file is given too, it must
   * declare the same (the template's IAM is scoped to what it was synthesized from).
   */
  private static Declarations declarations(TemplateRules rules, Path file) throws IOException {
    String embedded = rules.handlerEnvironment().get(DeclarationsReader.ENVIRONMENT_VARIABLE);
    if (embedded == null) {
      throw new TemplateRules.Refused(
          "the template's handlers have no "
              + DeclarationsReader.ENVIRONMENT_VARIABLE
              + ": synthesize it with this Slipway's CDK app");
    }
    try {
      Declarations fromTemplate =
          DeclarationsReader.fromEnvironment(embedded, DeclarationsReader.ENVIRONMENT_VARIABLE);
      if (file == null) {
        return fromTemplate;
      }
      Declarations fromFile = DeclarationsReader.read(Files.readString(file), file.toString());
      if (!fromFile.equals(fromTemplate)) {
        throw new TemplateRules.Refused(
            "--services "
                + file
                + " declares other services than the template was synthesized from (its IAM is"
                + " scoped to those): synthesize the template with -c services="
                + file
                + ", or leave --services out to use the template's ("
                + fromTemplate.services().stream()
                    .map(Declarations.Service::name)
                    .collect(Collectors.joining(", "))
                + ")");
      }
      return fromFile;
    } catch (DeclarationsReader.Invalid e) {
      throw new TemplateRules.Refused(e.getMessage());
    }
  }

  /**
   * The CodeBuild stand-in: each project's builds run its buildspec as its role (IAM enforced),
   * with the jar asset the template names published as `cdk deploy` would.
   */
  private BuildExecutor startBuilds(
      Options o,
      TemplateRules rules,
      IamEnforcer iam,
      AwsClients aws,
      AwsSide side,
      EcrSide ecr,
      String motoEndpoint)
      throws Exception {
    PrintStream log = o.log();
    Map<String, TemplateRules.Project> projects = rules.projects();
    // Straight to the emulator, not journaled: published again on every start.
    AwsClients assets =
        new AwsClients(
            Map.of("AWS_REGION", REGION, "AWS_ENDPOINT_URL", motoEndpoint),
            AwsClients.EMULATOR_CREDENTIALS);
    resources.add(assets);
    Map<String, AwsClients> buildClients = new HashMap<>();
    Map<String, String> buildKeys = new HashMap<>();
    for (TemplateRules.Project project : projects.values()) {
      String key = "LOCALROLE" + project.roleId().toUpperCase(Locale.ROOT);
      iam.register(
          key,
          new IamEnforcer.Principal("AWSCodeBuild", project.roleName(), project.roleArn()),
          rules.policiesOf(project.roleId()));
      AwsClients asRole =
          new AwsClients(
              Map.of("AWS_REGION", REGION, "AWS_ENDPOINT_URL", endpoint),
              StaticCredentialsProvider.create(AwsBasicCredentials.create(key, "local")));
      resources.add(asRole);
      buildClients.put(project.name(), asRole);
      buildKeys.put(project.name(), key);
      publishAsset(assets, project.environment().get("SLIPWAY_JAR_URL"), log);
    }
    BuildExecutor builds =
        new BuildExecutor(
            aws,
            side,
            Files.createDirectories(o.state().resolve("builds")),
            ecr,
            log,
            o.drill().instant(),
            projects,
            new LocalBuild.Setting(
                endpoint,
                REGION,
                ACCOUNT,
                registry,
                o.drill().instant() ? Path.of("aws") : AwsCli.install(cacheDirectory(), log),
                Files.createDirectories(cacheDirectory().resolve("go")),
                log,
                logShipper,
                new ConcurrentHashMap<>()),
            buildClients::get,
            buildKeys::get);
    resources.add(builds);
    builds.enforce(iam);
    return builds;
  }

  /**
   * What `cdk deploy` would have published: the Slipway jar the buildspecs fetch, at the asset
   * location the template names ({@code s3://cdk-...-assets-.../<hash>.jar}).
   */
  private static void publishAsset(AwsClients aws, String url, PrintStream log) throws IOException {
    if (url == null || !url.startsWith("s3://")) {
      return;
    }
    String bucket = url.substring(5, url.indexOf('/', 5));
    String key = url.substring(url.indexOf('/', 5) + 1);
    Path jar = slipwayJar();
    try {
      aws.s3()
          .createBucket(
              r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(REGION)));
    } catch (BucketAlreadyOwnedByYouException e) {
      // published by an earlier start
    }
    aws.s3().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(jar));
  }

  private static boolean isCliJar(Path jar) {
    try (var zip = new ZipFile(jar.toFile())) {
      return zip.getEntry("dev/slipway/cli/Slipway.class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The Slipway CLI jar: this process's own, else the project's build of it. */
  static Path slipwayJar() throws IOException {
    try {
      Path own =
          Path.of(LocalRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (own.toString().endsWith(".jar") && isCliJar(own)) {
        return own;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // not from a jar: look for the project's
    }
    Path built = Path.of(System.getProperty("slipway.root", ".."), "cli/target/slipway.jar");
    if (!Files.isRegularFile(built)) {
      built = Path.of("cli/target/slipway.jar");
    }
    if (!Files.isRegularFile(built)) {
      throw new IOException(
          "the local builds need the Slipway jar (mvn -pl cli -am package builds"
              + " cli/target/slipway.jar)");
    }
    return built.toAbsolutePath();
  }

  /** Where Slipway keeps what it installs for itself ({@link Installs#cache}). */
  static Path cacheDirectory() {
    return Installs.cache();
  }

  interface Step {
    void run() throws Exception;
  }

  private Thread loop(String name, long pauseMillis, Step step) {
    return loop(name, pauseMillis, step, () -> true);
  }

  private Thread loop(String name, long pauseMillis, Step step, BooleanSupplier alive) {
    return loop(name, () -> pauseMillis, step, alive);
  }

  private Thread loop(String name, LongSupplier pauseMillis, Step step, BooleanSupplier alive) {
    Thread thread =
        new Thread(
            () -> {
              while (running && alive.getAsBoolean()) {
                boolean failed = false;
                try {
                  step.run();
                } catch (Exception e) {
                  if (running && alive.getAsBoolean()) {
                    System.err.println("slipway local: " + name + ": " + e.getMessage());
                  }
                  failed = true;
                }
                long pause = pauseMillis.getAsLong(); // after the step: it may depend on it
                if (failed) {
                  pause = Math.max(pause, 200); // a failing step is not tried in a spin
                }
                try {
                  Thread.sleep(pause);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "slipway-local-" + name);
    thread.setDaemon(true);
    thread.start();
    threads.add(thread);
    return thread;
  }

  /**
   * A drill: kills the function wherever it is in a batch (a batch half handled stays on its queue,
   * invisible until its visibility timeout) and starts new dispatcher threads; a thread still
   * waiting in a receive is Lambda's poller's, which outlives the function: it hands back what it
   * receives at once (Dispatcher.drain).
   */
  public synchronized void restartDispatcher() throws InterruptedException {
    Dispatcher old = dispatcher;
    old.stop();
    for (Thread t : dispatcherThreads) {
      if (old.handling(t)) {
        t.interrupt(); // the function dies mid-event; a receive still waiting is Lambda's poller's
      }
    }
    for (Thread t : dispatcherThreads) {
      // A thread handling a batch stops at its next AWS call; one waiting in a 20-s receive ends
      // when the receive does, handling nothing (Dispatcher.drain): neither is waited for long.
      t.join(1_000);
      threads.remove(t);
    }
    dispatcherThreads.clear();
    dispatcher = old.again();
    startDispatching();
  }

  /** One poller per queue, as Lambda runs each function's batches concurrently with the others. */
  private void startDispatching() {
    Dispatcher current = dispatcher;
    for (String queue : current.queues()) {
      dispatcherThreads.add(
          loop(
              "dispatcher-" + queue.substring(queue.lastIndexOf('/') + 1),
              0, // the receive itself waits (long polling)
              () -> current.drain(queue),
              current::running));
    }
  }

  /** What the drills count: events handled and dropped, faults injected by kind. */
  public Map<String, Long> counters() {
    Map<String, Long> counters = new TreeMap<>(proxy.faults());
    counters.put("eventsHandled", dispatcher.handled());
    counters.put("eventsDropped", dispatcher.dropped());
    return counters;
  }

  /**
   * Every request that reached "AWS" so far, by who made it and what it asked ({@code
   * "DeploymentFunction… s3:GetObject"}, {@code "poller sqs:ReceiveMessage (empty)"}): the
   * difference of two snapshots is what happened between them (issue 19's requests per release).
   */
  public Map<String, Long> requests() {
    return requests.snapshot();
  }

  /** The dispatcher's SQS calls, counted as Lambda's poller's; a receive that got nothing apart. */
  private static software.amazon.awssdk.core.interceptor.ExecutionInterceptor pollerCounts(
      RequestCounts requests) {
    return new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
      @Override
      public void afterExecution(
          software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
          software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
        String operation =
            attributes.getAttribute(
                software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
        boolean empty =
            context.response()
                    instanceof software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse r
                && r.messages().isEmpty();
        requests.add("poller", "sqs:" + operation + (empty ? " (empty)" : ""));
      }
    };
  }

  /** Messages left in the dead-letter queues (after nine failed deliveries), by queue. */
  public Map<String, List<String>> deadLetters() {
    return dispatcher.deadLetters();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running = false;
    Dispatcher current = dispatcher;
    if (current != null) {
      current.stop(); // a receive still waiting hands nothing to a closed runtime's handlers
    }
    if (endpointsFile != null) {
      try {
        Files.deleteIfExists(endpointsFile); // no stale endpoint for the commands to find
      } catch (IOException ignored) {
        // best effort while shutting down
      }
    }
    threads.forEach(Thread::interrupt);
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception ignored) {
        // shutting down: best effort
      }
    }
  }
}
