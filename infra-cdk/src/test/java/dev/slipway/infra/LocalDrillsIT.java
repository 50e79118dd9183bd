package dev.slipway.infra;

import static dev.slipway.infra.LocalSupport.slipway;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's drills on `slipway local`: every event delivered twice and shuffled gives the same
 * outcome with one deployment; a MEDIUM finding waits for a person, `slipway approve` takes it LIVE
 * and `slipway reject` ends another as REJECTED. The MEDIUM advisory is a test fixture in this
 * test's own advisories directory (the bundled advisories are real and all HIGH).
 */
class LocalDrillsIT {
  @TempDir Path tmp;

  LocalRuntime start(Path advisories, boolean chaos) throws Exception {
    return LocalRuntime.start(
        LocalRuntime.Options.of(
                LocalSupport.TEMPLATE,
                tmp.resolve("state"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .advisories(advisories)
            .services(List.of("slipway-demo/hello-go"))
            .chaos(chaos)
            .build());
  }

  @Test
  void everyEventTwiceAndShuffled_sameOutcome_oneDeployment() throws Exception {
    try (LocalRuntime runtime = start(null, true)) {
      LocalSupport.Run push = LocalSupport.pushFollow(runtime, LocalSupport.EXAMPLE, 240);

      assertThat(push.code()).as(String.join("\n", push.out())).isZero();
      JsonNode status =
          Json.parse(
              String.join(
                  "\n", LocalSupport.slipway(runtime, "status", push.out().get(0), "--json").out()),
              "$");
      assertThat(status.get("history").findValuesAsText("to"))
          .doesNotHaveDuplicates()
          .endsWith("LIVE");
      try (AwsClients aws = LocalSupport.aws(runtime)) {
        assertThat(
                aws.ecs().listTaskDefinitions(r -> r.familyPrefix("hello-go")).taskDefinitionArns())
            .as("the placeholder and exactly one registered by the release")
            .hasSize(2);
      }
    }
  }

  @Test
  void mediumFinding_waitsForAPerson_approveGoesLive_rejectEndsRejected() throws Exception {
    Path advisories = LocalSupport.mediumStdlibAdvisories(tmp.resolve("advisories"));
    try (LocalRuntime runtime = start(advisories, false)) {
      LocalSupport.Run first = LocalSupport.pushFollow(runtime, LocalSupport.EXAMPLE, 45);
      assertThat(first.code())
          .as("still waiting: %s", String.join("\n", first.out()))
          .isEqualTo(15);
      assertThat(first.err())
          .contains("waiting for a person: slipway approve " + first.out().get(0))
          .contains("who may: this account's IAM identities allowed to invoke the steering URL");

      LocalSupport.Run approve =
          slipway(runtime, "approve", first.out().get(0), "--reason", "test advisory");
      assertThat(approve.code()).as(approve.err()).isZero();
      // The decider is whom the signed request authenticated, not a name given on the command.
      assertThat(approve.out())
          .singleElement()
          .asString()
          .matches(
              first.out().get(0)
                  + " (APPROVED|DEPLOYING) \\(decided by arn:aws:iam::"
                  + LocalRuntime.ACCOUNT
                  + ":user/local\\)");
      assertThat(LocalSupport.awaitState(runtime, first.out().get(0), "LIVE", 60))
          .isEqualTo("LIVE");

      Path copy = LocalSupport.example(tmp.resolve("second"), null, null);
      Files.writeString(copy.resolve("NOTES.md"), "a second release\n");
      LocalSupport.Run second = LocalSupport.pushFollow(runtime, copy, 45);
      assertThat(second.code()).isEqualTo(15);
      LocalSupport.Run reject =
          LocalSupport.slipway(runtime, "reject", second.out().get(0), "--reason", "not today");
      assertThat(reject.code()).as(reject.err()).isZero();
      assertThat(LocalSupport.awaitState(runtime, second.out().get(0), "REJECTED", 30))
          .isEqualTo("REJECTED");
    }
  }
}
