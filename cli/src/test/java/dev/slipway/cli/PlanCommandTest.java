package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  private static final Path HELLO = Cli.root().resolve("examples/hello-go");

  @TempDir Path tmp;

  @Test
  void plan_helloGo_printsTheFourTargetPlan() {
    Cli cli =
        Cli.run(
            "plan",
            HELLO.toString(),
            "--release-id",
            "hello-go-25f25853d6a0",
            "--out",
            tmp.toString());

    assertThat(cli.code()).as(cli.err()).isZero();
    JsonNode plan = Json.parse(cli.out(), "$");
    assertThat(plan.get("service").asText()).isEqualTo("hello-go");
    assertThat(plan.get("module").asText()).isEqualTo("example.com/hello-go");
    assertThat(plan.get("targets")).hasSize(4);
    assertThat(plan.get("targets").findValuesAsText("platform"))
        .containsExactly("linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64");
    JsonNode windows = plan.get("targets").get(3);
    assertThat(windows.get("build").get("argv").toString())
        .isEqualTo(
            "[\"go\",\"build\",\"-trimpath\",\"-buildvcs=false\","
                + "\"-ldflags=-s -w -X main.version=hello-go-25f25853d6a0\",\"-o\",\""
                + tmp.resolve("hello-go_windows_amd64/hello-go.exe")
                + "\",\".\"]");
    assertThat(plan.get("image").get("platforms").toString())
        .isEqualTo("[\"linux/amd64\",\"linux/arm64\"]");
    assertThat(plan.get("scan").get("block").toString()).isEqualTo("[\"CRITICAL\",\"HIGH\"]");
    assertThat(plan.get("deploy").get("bakeSeconds").asInt()).isEqualTo(20);
  }

  @Test
  void plan_aBadTree_exits2WithEveryProblemOnItsOwnLine() throws IOException {
    Files.writeString(
        tmp.resolve("slipway.json"), "{\"service\": \"Bad Name\", \"targets\": [\"plan9/amd64\"]}");

    Cli cli = Cli.run("plan", tmp.toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines())
        .containsExactly(
            "slipway plan: slipway.json: service: 'Bad Name' is not a service name",
            "slipway plan: slipway.json: targets[0]: 'plan9/amd64' is not a supported platform (supported: "
                + String.join(", ", dev.slipway.release.Platform.SUPPORTED)
                + ")",
            "slipway plan: go.mod: not found at the root of the source tree (Slipway builds Go modules)",
            "slipway plan: slipway.json: main: '.' has no Go source files");
  }

  @Test
  void plan_aMissingDirectory_exits2() {
    Cli cli = Cli.run("plan", tmp.resolve("nope").toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .containsExactly("slipway plan: " + tmp.resolve("nope") + ": no such directory");
  }

  @Test
  void plan_aReleaseIdThatCouldInject_exits2() {
    Cli cli = Cli.run("plan", HELLO.toString(), "--release-id", "$(id)");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("slipway plan: release id: '$(id)' is not a release id");
  }
}
