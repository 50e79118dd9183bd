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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's benchmark 3, run by {@code bench/pipeline-overhead.sh} (not in CI: it is a measurement,
 * and takes minutes): real releases of hello-go through `slipway local`, one after another (real Go
 * builds, the registry, the scanner, the task as a process), each timed from the moment its upload
 * was accepted to LIVE. What Slipway adds is that total minus what it waits for: the two builds
 * (CodeBuild's own start and end times, from BatchGetBuilds; locally the scan runs inside the image
 * build), the rollout (the ledger's deployment start to ECS's completed event) and the bake (zero
 * here). The rest is event delivery, handlers, ledger writes and the calls that start the next
 * step.
 */
@EnabledIfSystemProperty(named = "slipway.bench.overhead", matches = "true")
class PipelineOverheadIT {
  static final int RELEASES = Integer.getInteger("slipway.bench.releases", 20);

  /**
   * How long after LIVE a release's requests are still counted (issue 19: the requests from its
   * upload to then, by who made them and what, from {@link LocalRuntime#requests()}).
   */
  static final long REQUEST_TAIL_MILLIS = 1500;

  @TempDir Path tmp;

  /** hello-go, zipped, with a bake of zero and the two image platforms as its only targets. */
  static byte[] helloGo(int n) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes);
        Stream<Path> files = Files.list(LocalSupport.EXAMPLE)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = file.getFileName().toString();
        String text = Files.readString(file);
        if (name.equals("slipway.json")) {
          var manifest = (ObjectNode) Json.parse(text, "$");
          manifest.putArray("targets").add("linux/amd64").add("linux/arm64");
          manifest.with("deploy").put("bakeSeconds", 0);
          text = manifest.toString();
        } else if (name.equals("main.go")) {
          text = text + "\n// release " + n + " of the overhead benchmark\n";
        }
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  @Test
  void releasesOneAfterAnother_overheadFromTheLedger() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ArrayNode rows = Json.mapper().createArrayNode();
    try (LocalRuntime runtime =
            LocalSupport.start(
                tmp.resolve("state"), List.of("slipway-demo/hello-go"), quiet, Drill.NONE);
        AwsClients aws = LocalSupport.aws(runtime)) {
      for (int i = 0; i < RELEASES + 1; i++) { // the first is a warm-up, not counted
        byte[] archive = helloGo(i);
        String key = "sources/hello-go/overhead-" + i + ".zip";
        Map<String, Long> before = runtime.requests();
        String id = LocalSupport.upload(aws, runtime, key, archive);
        Instant uploaded = Instant.now();
        assertThat(LocalSupport.awaitState(runtime, id, "LIVE", 180)).as(id).isEqualTo("LIVE");
        // what the release's handlers do after LIVE (its announcement, the index) counts too
        Thread.sleep(REQUEST_TAIL_MILLIS);
        Map<String, Long> requests = new TreeMap<>();
        runtime
            .requests()
            .forEach(
                (kind, n) -> {
                  long d = n - before.getOrDefault(kind, 0L);
                  if (d > 0) {
                    requests.put(kind, d);
                  }
                });
        Release r =
            Json.mapper()
                .readValue(
                    aws.s3()
                        .getObjectAsBytes(
                            g ->
                                g.bucket(runtime.bucket())
                                    .key("ledger/releases/hello-go/" + id + ".json"))
                        .asByteArray(),
                    Release.class);
        Instant live =
            r.history().stream()
                .filter(t -> t.to() == ReleaseState.LIVE)
                .findFirst()
                .orElseThrow()
                .at();
        double total = seconds(uploaded, live);
        List<Double> builds = new ArrayList<>();
        for (String build : List.of(r.compileBuildId(), r.imageBuildId())) {
          var b =
              aws.codeBuild()
                  .batchGetBuilds(g -> g.ids(build.substring(build.indexOf("build/") + 6)))
                  .builds()
                  .get(0);
          builds.add(seconds(b.startTime(), b.endTime()));
        }
        double rollout = seconds(r.deployment().startedAt(), r.deployment().completedAt());
        double bake =
            r.deployment().bakeUntil() == null
                ? 0
                : Math.max(0, seconds(r.deployment().completedAt(), r.deployment().bakeUntil()));
        double overhead = total - builds.get(0) - builds.get(1) - rollout - bake;
        if (i == 0) {
          continue;
        }
        ObjectNode row = rows.addObject();
        row.put("releaseId", id)
            .put("totalSeconds", total)
            .put("compileSeconds", builds.get(0))
            .put("imageAndScanSeconds", builds.get(1))
            .put("rolloutSeconds", rollout)
            .put("bakeSeconds", bake)
            .put("overheadSeconds", overhead);
        row.putPOJO("requests", requests);
        ObjectNode between = row.putObject("sinceUpload");
        for (Release.Transition t : r.history()) {
          between.put(t.to().name(), seconds(uploaded, t.at()));
        }
        // the accounting adds up: nothing waited on is larger than the whole
        assertThat(overhead).as("%s", row).isGreaterThan(-0.05);
      }
    }
    assertThat(rows).hasSize(RELEASES);
    String out = System.getProperty("slipway.bench.out");
    if (out != null) {
      ObjectNode all = Json.mapper().createObjectNode();
      all.put("releases", RELEASES).put("cores", Runtime.getRuntime().availableProcessors());
      all.set("rows", rows);
      Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
      Files.writeString(
          Path.of(out), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
  }
}
