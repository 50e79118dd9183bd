package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.cli.Slipway;
import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's drills on `slipway local`: every event delivered twice and shuffled gives the same
 * outcome with one deployment; a MEDIUM finding waits for a person, `slipway approve` takes it LIVE
 * and `slipway reject` ends another as REJECTED. The MEDIUM advisory is a test fixture in this
 * test's own advisories directory (the bundled advisories are real and all HIGH).
 */
class LocalDrillsIT {
  static final Path ROOT = Path.of(System.getProperty("slipway.root", ".."));
  static final Path TEMPLATE =
      Path.of(System.getProperty("slipway.templateDir", "target/templates"))
          .resolve("SlipwayPipeline.template.json");

  @TempDir Path tmp;

  record Run(int code, List<String> out, String err) {}

  static Run slipway(LocalRuntime runtime, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(
        new String[] {
          "--bucket",
          runtime.bucket(),
          "--endpoint-url",
          runtime.endpoint(),
          "--region",
          LocalRuntime.REGION
        },
        0,
        all,
        args.length,
        6);
    int code = Slipway.run(all, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString().lines().toList(), err.toString());
  }

  LocalRuntime start(Path advisories, boolean chaos) throws Exception {
    return LocalRuntime.start(
        new LocalRuntime.Options(
            TEMPLATE,
            tmp.resolve("state"),
            advisories,
            List.of("hello-go"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            chaos));
  }

  @Test
  void everyEventTwiceAndShuffled_sameOutcome_oneDeployment() throws Exception {
    try (LocalRuntime runtime = start(null, true)) {
      Run push =
          slipway(
              runtime,
              "push",
              ROOT.resolve("examples/hello-go").toString(),
              "--follow",
              "--timeout",
              "240",
              "--interval",
              "0.5");

      assertThat(push.code()).as(String.join("\n", push.out())).isZero();
      JsonNode status =
          Json.parse(
              String.join("\n", slipway(runtime, "status", push.out().get(0), "--json").out()),
              "$");
      assertThat(status.get("history").findValuesAsText("to"))
          .doesNotHaveDuplicates()
          .endsWith("LIVE");
      try (AwsClients aws =
          new AwsClients(
              Map.of("AWS_REGION", LocalRuntime.REGION, "AWS_ENDPOINT_URL", runtime.endpoint()))) {
        assertThat(
                aws.ecs.listTaskDefinitions(r -> r.familyPrefix("hello-go")).taskDefinitionArns())
            .as("the placeholder and exactly one registered by the release")
            .hasSize(2);
      }
    }
  }

  @Test
  void mediumFinding_waitsForAPerson_approveGoesLive_rejectEndsRejected() throws Exception {
    Path advisories = Files.createDirectories(tmp.resolve("advisories"));
    Files.writeString(
        advisories.resolve("TEST-MEDIUM-STDLIB.json"),
        """
        {"id": "TEST-MEDIUM-STDLIB", "summary": "test fixture: every Go standard library is MEDIUM",
         "affected": [{"package": {"name": "stdlib", "ecosystem": "Go"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}],
         "database_specific": {"severity": "MODERATE"}}
        """);
    try (LocalRuntime runtime = start(advisories, false)) {
      Run first =
          slipway(
              runtime,
              "push",
              ROOT.resolve("examples/hello-go").toString(),
              "--follow",
              "--timeout",
              "25",
              "--interval",
              "0.5");
      assertThat(first.code())
          .as("still waiting: %s", String.join("\n", first.out()))
          .isEqualTo(15);
      assertThat(first.err())
          .contains("waiting for a person: slipway approve " + first.out().get(0));

      Run approve =
          slipway(
              runtime, "approve", first.out().get(0), "--by", "dana", "--reason", "test advisory");
      assertThat(approve.code()).as(approve.err()).isZero();
      String state = "";
      for (int i = 0; i < 120 && !state.equals("LIVE"); i++) {
        Thread.sleep(500);
        state =
            Json.parse(
                    String.join(
                        "\n", slipway(runtime, "status", first.out().get(0), "--json").out()),
                    "$")
                .path("state")
                .asText();
      }
      assertThat(state).isEqualTo("LIVE");

      Path copy = tmp.resolve("second");
      try (Stream<Path> files = Files.walk(ROOT.resolve("examples/hello-go"))) {
        for (Path f : files.toList()) {
          Path t = copy.resolve(ROOT.resolve("examples/hello-go").relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(t);
          } else if (!f.toString().contains("/dist/")) {
            Files.copy(f, t);
          }
        }
      }
      Files.writeString(copy.resolve("NOTES.md"), "a second release\n");
      Run second =
          slipway(
              runtime, "push", copy.toString(), "--follow", "--timeout", "25", "--interval", "0.5");
      assertThat(second.code()).isEqualTo(15);
      Run reject = slipway(runtime, "reject", second.out().get(0), "--reason", "not today");
      assertThat(reject.code()).as(reject.err()).isZero();
      for (int i = 0; i < 60 && !state.equals("REJECTED"); i++) {
        Thread.sleep(500);
        state =
            Json.parse(
                    String.join(
                        "\n", slipway(runtime, "status", second.out().get(0), "--json").out()),
                    "$")
                .path("state")
                .asText();
      }
      assertThat(state).isEqualTo("REJECTED");
    }
  }
}
