package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import dev.slipway.local.Drill;
import dev.slipway.local.LocalRuntime;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's reaction times, run by {@code bench/reaction-times.sh} (a measurement, not in CI): in
 * `slipway local`, how long after a bake's end the release is LIVE (the bake timer, not the
 * reconciler's tick), and how long after a service's alarm enters ALARM the rollback has started
 * (the ROLLED_BACK transition, whose RollBack effect runs in the same apply). Both from the ledger
 * and, for the alarm's moment, the task runner's log line (the time it put the alarm's state-change
 * event on the bus).
 */
@EnabledIfSystemProperty(named = "slipway.bench.reactions", matches = "true")
class ReactionTimesIT {
  static final int RELEASES = Integer.getInteger("slipway.bench.releases", 5);

  @TempDir Path tmp;

  static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  Release record(AwsClients aws, LocalRuntime runtime, String id) throws Exception {
    return Json.mapper()
        .readValue(
            aws.s3()
                .getObjectAsBytes(
                    g -> g.bucket(runtime.bucket()).key("ledger/releases/hello-go/" + id + ".json"))
                .asByteArray(),
            Release.class);
  }

  static Instant at(Release r, ReleaseState state) {
    return r.history().stream().filter(t -> t.to() == state).findFirst().orElseThrow().at();
  }

  @Test
  void bakeEndToLive_andAlarmToRollbackStarted() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ArrayNode bakes = Json.mapper().createArrayNode();
    ArrayNode alarms = Json.mapper().createArrayNode();
    try (LocalRuntime runtime =
            LocalSupport.start(
                tmp.resolve("state"),
                List.of("slipway-demo/hello-go"),
                new PrintStream(log, true, StandardCharsets.UTF_8),
                Drill.NONE);
        AwsClients aws = LocalSupport.aws(runtime)) {
      for (int i = 0; i < RELEASES; i++) {
        Path good =
            LocalSupport.example(
                tmp.resolve("good-" + i), "\"time\"\n)", "\"time\"\n)\n\n// " + i + "\n");
        bake(good, 7);
        String id = LocalSupport.upload(runtime, "sources/hello-go/good-" + i + ".zip", good);
        assertThat(LocalSupport.awaitState(runtime, id, "LIVE", 240)).as(id).isEqualTo("LIVE");
        Release r = record(aws, runtime, id);
        bakes
            .addObject()
            .put("releaseId", id)
            .put(
                "bakeEndToLiveSeconds",
                seconds(r.deployment().bakeUntil(), at(r, ReleaseState.LIVE)))
            .put("cause", r.history().get(r.history().size() - 1).cause());

        Path bad =
            LocalSupport.example(
                tmp.resolve("bad-" + i),
                "writeJSON(w, http.StatusOK, map[string]string{\"message\": \"hello from hello-go\", \"version\": version})",
                "writeJSON(w, http.StatusInternalServerError, map[string]string{\"message\": \"broken "
                    + i
                    + "\", \"version\": version})");
        bake(bad, 120);
        String badId = LocalSupport.upload(runtime, "sources/hello-go/bad-" + i + ".zip", bad);
        assertThat(LocalSupport.awaitState(runtime, badId, "ROLLED_BACK", 240))
            .as(badId)
            .isEqualTo("ROLLED_BACK");
        Matcher m =
            Pattern.compile("5xx alarm raised at (\\S+)")
                .matcher(log.toString(StandardCharsets.UTF_8));
        Instant raised = null;
        while (m.find()) {
          raised = Instant.parse(m.group(1));
        }
        Release b = record(aws, runtime, badId);
        alarms
            .addObject()
            .put("releaseId", badId)
            .put("alarmToRollbackStartedSeconds", seconds(raised, at(b, ReleaseState.ROLLED_BACK)))
            .put("cause", b.history().get(b.history().size() - 1).cause());
        // Let the previous release's task answer again before the next round.
        Thread.sleep(3000);
      }
    }
    ObjectNode all = Json.mapper().createObjectNode();
    all.put("releases", RELEASES).put("cores", Runtime.getRuntime().availableProcessors());
    all.set("bakes", bakes);
    all.set("alarms", alarms);
    String out = System.getProperty("slipway.bench.out");
    if (out != null) {
      Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
      Files.writeString(
          Path.of(out), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
    assertThat(bakes).hasSize(RELEASES);
    assertThat(alarms).hasSize(RELEASES);
  }

  /** Sets the manifest's bake time and keeps two targets (the image's). */
  static void bake(Path dir, int seconds) throws Exception {
    ObjectNode manifest =
        (ObjectNode) Json.parse(Files.readString(dir.resolve("slipway.json")), "$");
    manifest.putArray("targets").add("linux/amd64").add("linux/arm64");
    manifest.with("deploy").put("bakeSeconds", seconds);
    Files.writeString(dir.resolve("slipway.json"), manifest.toString());
  }
}
