package dev.slipway.infra;

import dev.slipway.json.Json;
import dev.slipway.release.Declarations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** The stacks as the tests synthesize them, with the names the samples in events/ use. */
final class Stacks {
  static final String ACCOUNT = "210987654321";
  static final String REGION = "eu-west-1";
  static final String BUCKET = "slipway-sources-210987654321";
  static final String REPOSITORY = "slipway/hello-go";

  /** The project's own declarations (hello-go), as SlipwayApp reads them by default. */
  static final Declarations SERVICES =
      SlipwayApp.declarations(
          Path.of(System.getProperty("slipway.root", "..")).resolve("examples/services.json"));

  private Stacks() {}

  static Path jar(String property, String fallback) {
    return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
  }

  /**
   * hello-go as the project declares it, plus {@code loadServices} load-drill services and the
   * hostile-input drill's, each with the default environment (its name in ECS's default cluster).
   */
  static Declarations drillDeclarations(int loadServices) {
    List<Declarations.Service> services = new ArrayList<>(SERVICES.services());
    List<String> names = new ArrayList<>(LoadDrillIT.services(loadServices));
    names.addAll(HostileInputIT.SERVICES);
    for (String name : names) {
      services.add(
          new Declarations.Service(
              name,
              "slipway/" + name,
              List.of(new Declarations.Environment("default", "default", name, null, null))));
    }
    return new Declarations(services, SERVICES.floor(), SERVICES.approvers());
  }

  static SlipwayPipelineStack.PipelineProps props(boolean enhancedScanning) {
    return props(enhancedScanning, SERVICES);
  }

  static SlipwayPipelineStack.PipelineProps props(boolean enhancedScanning, Declarations services) {
    return new SlipwayPipelineStack.PipelineProps(
        jar("slipway.functionsJar", "../functions/target/slipway-functions.jar"),
        jar("slipway.cliJar", "../cli/target/slipway.jar"),
        BUCKET,
        services,
        "slipway-compile",
        "slipway-image",
        enhancedScanning,
        Map.of(),
        5,
        30);
  }

  static SlipwayPipelineStack pipeline(App app, boolean enhancedScanning) {
    return pipeline(app, enhancedScanning, SERVICES);
  }

  static SlipwayPipelineStack pipeline(App app, boolean enhancedScanning, Declarations services) {
    return pipeline(app, "SlipwayPipeline", props(enhancedScanning, services));
  }

  /** A pipeline stack named {@code id} in the test account and region. */
  static SlipwayPipelineStack pipeline(
      App app, String id, SlipwayPipelineStack.PipelineProps props) {
    return new SlipwayPipelineStack(
        app,
        id,
        StackProps.builder()
            .env(Environment.builder().account(ACCOUNT).region(REGION).build())
            .build(),
        props);
  }

  /** Writes a synthesized template where .ci/run lints it and the conformance test reads it. */
  static Path write(String name, Template template) {
    try {
      Path dir = Path.of(System.getProperty("slipway.templateDir", "target/templates"));
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".template.json");
      Files.writeString(
          file,
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(template.toJSON()));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
