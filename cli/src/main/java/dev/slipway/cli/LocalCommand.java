package dev.slipway.cli;

import dev.slipway.local.LocalRuntime;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
      "With --release DIR: push DIR, follow the release, stop, and exit with push --follow's code."
    })
final class LocalCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "state directory (default: ~/.cache/slipway/local)")
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
      names = "--service",
      paramLabel = "NAME",
      defaultValue = "hello-go",
      split = ",",
      description = "ECS services to create (default: ${DEFAULT-VALUE})")
  List<String> services;

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
    Path stateDir =
        state != null
            ? state
            : Path.of(System.getProperty("user.home"), ".cache", "slipway", "local");
    try (LocalRuntime runtime =
        LocalRuntime.start(
            new LocalRuntime.Options(
                template, stateDir, advisories, services, System.err, chaos))) {
      out.println(
          "slipway local: AWS (moto) at " + runtime.endpoint() + ", region " + LocalRuntime.REGION);
      out.println(
          "slipway local: source bucket " + runtime.bucket() + "; registry " + runtime.registry());
      out.println(
          "slipway local: push with: slipway push DIR --bucket "
              + runtime.bucket()
              + " --endpoint-url "
              + runtime.endpoint()
              + " --region "
              + LocalRuntime.REGION);
      out.flush();
      if (release != null) {
        return Slipway.run(
            new String[] {
              "push",
              release.toString(),
              "--follow",
              "--timeout",
              Long.toString(timeoutSeconds),
              "--bucket",
              runtime.bucket(),
              "--endpoint-url",
              runtime.endpoint(),
              "--region",
              LocalRuntime.REGION
            },
            out,
            err);
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
      return Slipway.OK;
    } catch (java.io.IOException e) {
      err.println("slipway local: " + e.getMessage());
      return Slipway.FAILED;
    }
  }
}
