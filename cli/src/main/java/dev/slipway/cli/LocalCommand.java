package dev.slipway.cli;

import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import dev.slipway.local.TemplateRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slipway local}: the whole pipeline on this machine, in the foreground until Ctrl-C; with
 * {@code --release DIR} it pushes DIR, follows the release to its end, and exits with push's code.
 */
@Command(
    name = "local",
    description = {
      "Run the whole pipeline on this machine: moto_server as AWS, the CDK app's rules and the same"
          + " handlers, builds with the local Go, a local OCI registry, an OSV scanner, and tasks as"
          + " processes. Prints its endpoints; Ctrl-C stops it.",
      "With --release DIR: push DIR, follow the release, show the service answering on its port,"
          + " stop, and exit with push --follow's code (1 if LIVE but the service does not answer"
          + " with the release id as its version)."
    })
final class LocalCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "state directory (default: $SLIPWAY_STATE, else ~/.cache/slipway/local)")
  Path state;

  @Option(
      names = "--template",
      paramLabel = "FILE",
      defaultValue = "infra-cdk/target/templates/SlipwayPipeline.template.json",
      description =
          "the synthesized pipeline template whose rules are installed (default: ${DEFAULT-VALUE})")
  Path template;

  @Option(
      names = "--advisories",
      paramLabel = "DIR",
      description = "OSV advisories to scan against (default: the bundled ones)")
  Path advisories;

  @Option(
      names = "--services",
      paramLabel = "FILE",
      description =
          "the services declarations the template was synthesized from (default: the template's"
              + " own); their ECS services are created, and only they receive releases")
  Path declarations;

  @Option(
      names = "--service",
      paramLabel = "[CLUSTER/]NAME",
      split = ",",
      description =
          "more ECS services to create, in CLUSTER (default: ECS's default cluster), for a quick"
              + " try of the emulator; releases deploy only to declared services")
  List<String> services = new ArrayList<>();

  @Option(
      names = "--fresh",
      description =
          "forget the releases an earlier run left in the state directory (by default a start"
              + " replays them and resumes the ones in flight)")
  boolean fresh;

  @Option(names = "--chaos", description = "deliver every event twice, in shuffled order (a drill)")
  boolean chaos;

  @Option(
      names = "--release",
      paramLabel = "DIR",
      description = "push DIR, follow it to the end, then stop")
  Path release;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "900",
      description = "how long --release waits (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(
      names = "--web-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "the releases web page's loopback port (default: a free one)")
  int webPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(template)) {
      err.println(
          "slipway local: --template: "
              + template
              + " not found (mvn -pl infra-cdk -am test synthesizes it)");
      return Slipway.BAD_INPUT;
    }
    if (declarations != null && !Files.isRegularFile(declarations)) {
      err.println("slipway local: --services: " + declarations + " not found");
      return Slipway.BAD_INPUT;
    }
    if (webPort < 0 || webPort > 65535) {
      err.println("slipway local: --web-port: " + webPort + " is not a port (0 for a free one)");
      return Slipway.BAD_INPUT;
    }
    Path stateDir = state != null ? state : AwsOptions.defaultState();
    try (LocalRuntime runtime =
        LocalRuntime.start(
            LocalRuntime.Options.of(template, stateDir, System.err)
                .advisories(advisories)
                .services(services)
                .chaos(chaos)
                .fresh(fresh)
                .declarations(declarations)
                .webPort(webPort)
                .build())) {
      out.println(
          "slipway local: AWS (moto, journaled) at "
              + runtime.endpoint()
              + ", region "
              + LocalRuntime.REGION);
      out.println(
          "slipway local: source bucket " + runtime.bucket() + "; registry " + runtime.registry());
      out.println("slipway local: state in " + stateDir + " (a restart resumes from it)");
      out.println("slipway local: the releases, live: " + runtime.webUrl());
      out.println(
          "slipway local: push with: slipway push DIR --bucket "
              + runtime.bucket()
              + " --endpoint-url "
              + runtime.endpoint()
              + " --region "
              + LocalRuntime.REGION);
      out.flush();
      // Ctrl-C or a TERM signal stops everything the runtime started (emulator, registry, tasks)
      // before the JVM exits; the JVM does not wait for this thread's own close otherwise.
      Thread hook = new Thread(runtime::close, "slipway-local-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        if (release != null) {
          return releaseAndShow(runtime, out, err);
        }
        new CountDownLatch(1).await();
        return Slipway.OK;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    } catch (TemplateRules.Refused e) {
      err.println("slipway local: --template " + template + ": " + e.getMessage());
      return Slipway.BAD_INPUT;
    } catch (IOException e) {
      err.println("slipway local: " + e.getMessage());
      return Slipway.FAILED;
    }
  }

  /** A release command's arguments against {@code runtime}'s endpoint, bucket and region. */
  private static String[] against(LocalRuntime runtime, String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(
        List.of(
            "--bucket",
            runtime.bucket(),
            "--endpoint-url",
            runtime.endpoint(),
            "--region",
            LocalRuntime.REGION));
    return all.toArray(String[]::new);
  }

  /**
   * Pushes {@link #release}, follows it, and when it is LIVE shows the service answering: its
   * task's {@code /version} must carry the release id the push printed, or the run fails.
   */
  private int releaseAndShow(LocalRuntime runtime, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    StringWriter pushed = new StringWriter();
    PrintWriter tee =
        new PrintWriter(
            new Writer() {
              @Override
              public void write(char[] buf, int off, int len) {
                out.write(buf, off, len);
                pushed.write(buf, off, len);
              }

              @Override
              public void flush() {
                out.flush();
              }

              @Override
              public void close() {}
            },
            true);
    int code =
        Slipway.run(
            against(
                runtime,
                "push",
                release.toString(),
                "--follow",
                "--timeout",
                Long.toString(timeoutSeconds)),
            tee,
            err);
    tee.flush();
    if (code != Slipway.OK) {
      return code;
    }
    String releaseId = pushed.toString().lines().findFirst().orElse("").trim();
    // The ECS service it runs in: its current environment's (the first, with more than one,
    // until it is promoted).
    StringWriter status = new StringWriter();
    Slipway.run(
        against(runtime, "status", releaseId, "--json"), new PrintWriter(status, true), err);
    String service;
    String where;
    try {
      com.fasterxml.jackson.databind.JsonNode record = Json.mapper().readTree(status.toString());
      com.fasterxml.jackson.databind.JsonNode tracks = record.path("environments");
      String target = tracks.path(tracks.size() - 1).path("target").asText("");
      service = target.substring(target.indexOf('/') + 1);
      where = record.path("state").asText() + " in " + record.path("environment").asText();
    } catch (IOException e) {
      err.println("slipway local: status of " + releaseId + ": " + e.getMessage());
      return Slipway.FAILED;
    }
    // The task runner notes the new task a moment after the deployment completes; wait briefly.
    OptionalInt port = OptionalInt.empty();
    for (int i = 0; i < 50 && port.isEmpty(); i++) {
      port = runtime.servicePort(service);
      if (port.isEmpty()) {
        Thread.sleep(100);
      }
    }
    if (port.isEmpty()) {
      err.println("slipway local: " + releaseId + " is " + where + " but no task of it runs here");
      return Slipway.FAILED;
    }
    String url = "http://127.0.0.1:" + port.getAsInt() + "/version";
    try {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.ofString());
      String body = answer.body().trim();
      out.println(
          "slipway local: "
              + service
              + " answers at "
              + url
              + ": "
              + answer.statusCode()
              + " "
              + body);
      if (answer.statusCode() != 200 || !body.contains("\"" + releaseId + "\"")) {
        err.println(
            "slipway local: " + url + " does not report release " + releaseId + " as its version");
        return Slipway.FAILED;
      }
    } catch (IOException e) {
      err.println("slipway local: " + url + ": " + e.getMessage());
      return Slipway.FAILED;
    }
    out.flush();
    return Slipway.OK;
  }
}
