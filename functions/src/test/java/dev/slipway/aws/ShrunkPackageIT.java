package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.handler.SlipwayHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every release of {@link PipelineEmulatorIT} again, but each event handled as Lambda handles it: a
 * fresh JVM over the deployment package, target/slipway-functions.jar, the jar ProGuard shrank
 * (functions/proguard.pro), the handler built by its no-arg constructor from the environment
 * ({@link PackageDriver}). What the shrinking removed that a handler needs (a class found by name,
 * a method reached by reflection) fails here, as it would fail on Lambda, and not in the in-JVM
 * tests, which run the classes whole.
 */
class ShrunkPackageIT extends PipelineEmulatorIT {
  static final Path PACKAGE = Path.of("target/slipway-functions.jar");
  static final Path SHADED = Path.of("target/slipway-functions-shaded.jar");

  /** Lambda's Java runtime flags (C1 only): the JVM the handlers start in there. */
  static final List<String> LAMBDA_JVM_FLAGS =
      List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

  @TempDir static Path driverDir;

  /** The clock of each test starts here; what it has been moved by, the child's clock is ahead. */
  final Instant clockStart = clock.instant();

  @BeforeAll
  static void driverOnItsOwn() throws IOException {
    // Only the driver's class beside the package: nothing else of the tests' class path.
    String name = PackageDriver.class.getName().replace('.', '/') + ".class";
    Path target = driverDir.resolve(name);
    Files.createDirectories(target.getParent());
    try (var in = PackageDriver.class.getClassLoader().getResourceAsStream(name)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  String invoke(SlipwayHandler handler, String payload) throws IOException {
    long offset = Duration.between(clockStart, clock.instant()).toMillis();
    return run(handler.getClass().getName(), payload, offset, List.of()).answer();
  }

  /** What one run of the driver printed, and the handler's answer. */
  record Run(String output, String answer) {}

  Run run(String handlerClass, String payload, long offset, List<String> extra) throws IOException {
    Path event = Files.createTempFile(driverDir, "event-", ".json");
    Path answer = driverDir.resolve(event.getFileName() + ".answer");
    Files.writeString(event, payload);
    String simpleName = handlerClass.substring(handlerClass.lastIndexOf('.') + 1);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(LAMBDA_JVM_FLAGS);
    command.addAll(
        List.of(
            "-cp",
            PACKAGE.toAbsolutePath() + java.io.File.pathSeparator + driverDir,
            PackageDriver.class.getName(),
            handlerClass,
            event.toString(),
            answer.toString(),
            Long.toString(offset)));
    command.addAll(extra);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Lambda's environment: the function's variables and credentials, nothing of this JVM's.
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", driverDir.toString());
    env.putAll(env());
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    Process process = builder.start();
    String output;
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(simpleName + " did not finish in 60 s");
      }
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    log.print(output);
    assertThat(process.exitValue())
        .as("%s from the package, exit %d:%n%s", simpleName, process.exitValue(), output)
        .isZero();
    return new Run(output, Files.readString(answer));
  }

  @Test
  void snapStartsPriming_runsWholeFromThePackage_inEveryHandler() throws IOException {
    Path root = Path.of(System.getProperty("slipway.root", ".."));
    // a push of another repository's image (no step acts on it); the steering function takes a
    // function URL request, the reconciler its schedule
    String push = "events/ecr/image-action-push-other-repository.json";
    Map<String, String> events = new java.util.LinkedHashMap<>();
    for (String handler :
        List.of(
            "SourceUploadedHandler",
            "BuildStateHandler",
            "ImagePushedHandler",
            "ScanHandler",
            "DeploymentHandler")) {
      events.put(handler, push);
    }
    events.put("ApprovalHandler", "bench/coldstart/steering-approve.json");
    events.put("ReconcilerHandler", "events/other/scheduled-event.json");
    for (Map.Entry<String, String> e : events.entrySet()) {
      String handler = e.getKey();
      String event = Files.readString(root.resolve(e.getValue()));
      String output = run("dev.slipway.handler." + handler, event, 0, List.of("prime")).output();
      assertThat(output)
          .as(handler)
          .contains("primed: 20 client calls")
          .doesNotContain("priming stopped");
    }
  }

  @Test
  void thePackageIsTheShrunkJar_notTheShadedOne() throws IOException {
    assertThat(PACKAGE).exists();
    long shrunk = Files.size(PACKAGE);
    assertThat(shrunk)
        .as("the deployment package, against the shaded jar it was shrunk from")
        .isLessThan(Files.size(SHADED) * 2 / 3);
    assertThat(shrunk).as("issue 19's target: at most 15 MiB").isLessThanOrEqualTo(15L << 20);
    try (ZipFile shaded = new ZipFile(SHADED.toFile());
        ZipFile shrunkJar = new ZipFile(PACKAGE.toFile())) {
      // The operations a handler calls keep their marshallers; those none calls lose theirs.
      String marshallers = "software/amazon/awssdk/services/ecs/transform/";
      List<String> kept =
          shrunkJar.stream()
              .map(java.util.zip.ZipEntry::getName)
              .filter(n -> n.startsWith(marshallers) && n.endsWith("RequestMarshaller.class"))
              .map(
                  n ->
                      n.substring(
                          marshallers.length(), n.length() - "RequestMarshaller.class".length()))
              .sorted()
              .toList();
      assertThat(kept)
          .containsExactly(
              "DescribeServices",
              "DescribeTaskDefinition",
              "ListTaskDefinitions",
              "RegisterTaskDefinition",
              "UpdateService");
      assertThat(shaded.getEntry(marshallers + "CreateClusterRequestMarshaller.class")).isNotNull();
      // Reproducible: every entry carries the build's fixed time, as the shaded jar's do (ProGuard
      // alone stamps the time it ran), so a rebuild of the same source is the same asset.
      var fixed = shaded.getEntry("META-INF/MANIFEST.MF").getLastModifiedTime();
      assertThat(shrunkJar.stream().map(java.util.zip.ZipEntry::getLastModifiedTime).distinct())
          .containsExactly(fixed);
    }
  }
}
