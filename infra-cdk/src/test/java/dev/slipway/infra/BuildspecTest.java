package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buildspecs' commands run as CodeBuild runs them (bash, one session, a failing command fails
 * the phase), with stand-ins for the tools they call, for what a template assertion cannot see.
 */
class BuildspecTest {
  @TempDir Path tmp;

  static JsonNode spec(String name) throws Exception {
    try (InputStream in =
        BuildspecTest.class.getClassLoader().getResourceAsStream("buildspecs/" + name)) {
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  /** Runs a phase's commands in one bash session, stopping at the first that fails. */
  int run(JsonNode spec, String phase, Map<String, String> env) throws Exception {
    List<String> script = new ArrayList<>();
    for (JsonNode command : spec.path("phases").path(phase).path("commands")) {
      script.add(command.asText() + "\nrc=$?; if [ $rc -ne 0 ]; then exit $rc; fi");
    }
    Path file = tmp.resolve(phase + ".sh");
    Files.writeString(file, String.join("\n", script));
    ProcessBuilder bash = new ProcessBuilder("bash", file.toString()).directory(tmp.toFile());
    bash.environment().putAll(env);
    bash.redirectErrorStream(true);
    Process p = bash.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  /** A stand-in for a tool on PATH: prints {@code out} and exits with {@code code}. */
  Path stub(String tool, String out, int code) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path file = bin.resolve(tool);
    Files.writeString(file, "#!/bin/sh\necho '" + out + "'\nexit " + code + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  @Test
  void imageBuild_failsWhenThePushFails_despiteTheTee() throws Exception {
    // Finding 5: `slipway image ... | tee` without pipefail turned a failed push into a success.
    Path bin = stub("java", "slipway image: push refused", 1);
    Map<String, String> env =
        Map.of(
            "PATH", bin + ":" + System.getenv("PATH"),
            "SLIPWAY_JAR", "/x.jar",
            "SLIPWAY_CA_BUNDLE", "/etc/pki/tls/certs/ca-bundle.crt");

    assertThat(run(spec("image.yml"), "build", env)).isNotZero();

    stub("java", "sha256:" + "a".repeat(64), 0);
    assertThat(run(spec("image.yml"), "build", env)).isZero();
    assertThat(Files.readString(tmp.resolve("image-digest.txt"), StandardCharsets.UTF_8))
        .startsWith("sha256:");
  }

  @Test
  void imageBuild_passesTheBuildImagesCaBundle() throws Exception {
    // Finding 4: the Amazon Linux 2023 build image keeps its CA bundle at the Red Hat path.
    String command =
        spec("image.yml").path("phases").path("build").path("commands").get(0).asText();
    assertThat(command).contains("--ca-bundle \"${SLIPWAY_CA_BUNDLE}\"");
    assertThat(BuildProjects.BUILD_IMAGE_CA_BUNDLE).isEqualTo("/etc/pki/tls/certs/ca-bundle.crt");
  }

  @Test
  void compileBuild_pinsTheExactGo_andRefusesAnother() throws Exception {
    // Finding 11: `golang: latest` made "same Go, same bytes" depend on the day.
    JsonNode compile = spec("compile.yml");
    assertThat(
            compile.path("phases").path("install").path("runtime-versions").path("golang").asText())
        .isNotEqualTo("latest");
    assertThat(compile.toString()).contains("GOTOOLCHAIN=\\\"go${SLIPWAY_GO_VERSION}\\\"");
    // The check after the switch: a Go other than the pinned one fails the install phase.
    JsonNode check = compile.path("phases").path("install").path("commands").get(3);
    assertThat(check.asText()).startsWith("test \"$(GOTOOLCHAIN=local go env GOVERSION)\"");
    Path bin = stub("go", "go1.0.0", 0);
    JsonNode only = new ObjectMapper().createObjectNode();
    ((com.fasterxml.jackson.databind.node.ObjectNode) only)
        .putObject("phases")
        .putObject("install")
        .putArray("commands")
        .add(check);
    Map<String, String> env =
        Map.of("PATH", bin + ":/usr/bin:/bin", "SLIPWAY_GO_VERSION", "1.26.8");
    assertThat(run(only, "install", env)).isNotZero();
    stub("go", "go1.26.8", 0);
    assertThat(run(only, "install", env)).isZero();
  }
}
