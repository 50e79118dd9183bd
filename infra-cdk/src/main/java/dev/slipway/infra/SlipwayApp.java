package dev.slipway.infra;

import dev.slipway.release.Declarations;
import dev.slipway.release.DeclarationsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code npx aws-cdk synth|deploy} from {@code infra-cdk/}. Context: {@code
 * functionsJar}, {@code cliJar} (default: the reactor's build outputs), {@code services} (the
 * services declarations file, default the project's own {@code examples/services.json}, which
 * declares hello-go), {@code enhancedScanning}, {@code retentionDays} (how long sources, build
 * outputs and the ledger's old versions are kept; default 30), {@code demoService} ({@code true}
 * adds the demo ECS service stack, for the first declared service).
 */
public final class SlipwayApp {
  private SlipwayApp() {}

  public static void main(String[] args) {
    App app = new App();
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path functionsJar =
        Path.of(
            context(
                app,
                "functionsJar",
                root.resolve("functions/target/slipway-functions.jar").toString()));
    Path cliJar =
        Path.of(context(app, "cliJar", root.resolve("cli/target/slipway.jar").toString()));
    Environment env =
        Environment.builder()
            .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
            .region(System.getenv("CDK_DEFAULT_REGION"))
            .build();
    Declarations services =
        declarations(
            Path.of(context(app, "services", root.resolve("examples/services.json").toString())));
    SlipwayPipelineStack.PipelineProps defaults =
        SlipwayPipelineStack.PipelineProps.defaults(functionsJar, cliJar, services);
    boolean demo = Boolean.parseBoolean(context(app, "demoService", "false"));
    // Which alarms guard which service is the declarations' ("alarms" per service).
    Map<String, String> alarms = defaults.alarmServices();
    SlipwayPipelineStack.PipelineProps props =
        new SlipwayPipelineStack.PipelineProps(
            functionsJar,
            cliJar,
            null,
            services,
            defaults.compileProject(),
            defaults.imageProject(),
            Boolean.parseBoolean(context(app, "enhancedScanning", "true")),
            alarms,
            defaults.reconcileMinutes(),
            days(context(app, "retentionDays", Integer.toString(defaults.retentionDays()))),
            // -c notify=a@example.com,b@example.com: email subscribers of release notifications.
            java.util.Arrays.stream(context(app, "notify", "").split(","))
                .map(String::strip)
                .filter(a -> !a.isEmpty())
                .toList());
    new SlipwayPipelineStack(app, "SlipwayPipeline", StackProps.builder().env(env).build(), props);
    if (demo) {
      // The first image: any hello-go image pinned by digest; Slipway's releases replace it.
      String image = context(app, "demoImage", null);
      if (image == null) {
        throw new IllegalArgumentException(
            "context demoImage is required with demoService=true (repo@sha256:...)");
      }
      new SlipwayServiceStack(
          app,
          "SlipwayDemoService",
          StackProps.builder().env(env).build(),
          SlipwayServiceStack.ServiceProps.of(services.services().get(0), image));
    }
    app.synth();
  }

  private static int days(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context retentionDays '" + text + "' is not a whole number of days", e);
    }
  }

  /** The declarations file, or a message naming it and every problem in it. */
  static Declarations declarations(Path file) {
    try {
      return DeclarationsReader.read(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "context services: cannot read " + file + ": " + e.getMessage(), e);
    } catch (DeclarationsReader.Invalid e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String context(App app, String key, String fallback) {
    Object value = app.getNode().tryGetContext(key);
    return value == null ? fallback : value.toString();
  }
}
