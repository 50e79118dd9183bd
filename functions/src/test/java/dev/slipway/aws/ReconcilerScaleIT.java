package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.MutableClock;
import dev.slipway.engine.Pipeline;
import dev.slipway.engine.ServiceIndex;
import dev.slipway.json.Json;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import dev.slipway.release.SourceRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * What one reconciler tick costs as final releases pile up in the ledger (issue 19): K releases of
 * one service, all LIVE or SUPERSEDED, each with its upload under {@code sources/} (an hour old, so
 * the lost-upload check looks at every one) and its index entry; one tick at a time against moto,
 * counting the SDK calls ({@link RequestCounter}) and the time. As a test: the number of requests a
 * tick makes does not grow with K (no final release's record is read; one page of the uploads a
 * tick, the sweep's cursor written when there are more). With {@code
 * -Dslipway.bench.reconciler=true} it runs larger K and writes {@code slipway.bench.out} (JSON).
 */
class ReconcilerScaleIT {
  static final String BUCKET = "slipway-sources";
  static final String SERVICE = "hello-go";

  @RegisterExtension static final Emulator emulator = new Emulator("us-east-1");
  static AwsClients aws;

  @BeforeAll
  static void start() {
    aws = new AwsClients(env(), AwsClients.EMULATOR_CREDENTIALS);
  }

  @AfterAll
  static void stop() {
    if (aws != null) {
      aws.close();
    }
  }

  static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL", emulator.endpoint());
    env.put("SLIPWAY_SOURCE_BUCKET", BUCKET);
    env.put(
        dev.slipway.release.DeclarationsReader.ENVIRONMENT_VARIABLE,
        dev.slipway.release.DeclarationsReader.toJson(dev.slipway.engine.FakeWorld.DECLARATIONS));
    return env;
  }

  record Tick(int finalReleases, long requests, Map<String, Long> byOperation, double msMedian) {}

  Tick measure(int finals, int ticks) throws Exception {
    emulator.reset();
    aws.s3().createBucket(r -> r.bucket(BUCKET));
    aws.s3()
        .putBucketVersioning(
            r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
    Instant uploaded = Instant.now();
    List<ServiceView.Entry> entries = new ArrayList<>();
    for (int i = 0; i < finals; i++) {
      String key = "sources/" + SERVICE + "/release-" + i + ".zip";
      var put = aws.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("zip"));
      String id = new SourceRef(BUCKET, key, put.versionId(), null).releaseId();
      entries.add(
          new ServiceView.Entry(
              id,
              uploaded.minusSeconds(finals - i),
              i == finals - 1 ? ReleaseState.LIVE : ReleaseState.SUPERSEDED,
              uploaded,
              9));
    }
    S3Ledger ledger = new S3Ledger(aws.s3(), BUCKET, "ledger/");
    if (finals > 0) {
      assertThat(ledger.createIndex(new ServiceIndex(SERVICE, entries))).isTrue();
    }
    // an hour later: every upload is past the stuck period, so the lost-upload check weighs each
    MutableClock clock = new MutableClock(uploaded.plus(Duration.ofHours(1)));
    Pipeline pipeline = Wiring.pipeline(env(), clock, AwsClients.EMULATOR_CREDENTIALS);
    pipeline.reconcile(); // warm-up: clients, TLS-less HTTP connections, classes
    List<Double> millis = new ArrayList<>();
    Map<String, Long> byOperation = Map.of();
    for (int t = 0; t < ticks; t++) {
      Map<String, Long> before = RequestCounter.snapshot();
      long start = System.nanoTime();
      assertThat(pipeline.reconcile()).as("nothing to move").isZero();
      millis.add((System.nanoTime() - start) / 1e6);
      byOperation = RequestCounter.since(before);
    }
    millis.sort(null);
    long requests = byOperation.values().stream().mapToLong(Long::longValue).sum();
    return new Tick(finals, requests, byOperation, millis.get(millis.size() / 2));
  }

  @Test
  void aTicksRequests_doNotGrowWithTheFinalReleasesInTheLedger() throws Exception {
    boolean bench = Boolean.getBoolean("slipway.bench.reconciler");
    List<Tick> results = new ArrayList<>();
    for (int finals : bench ? new int[] {0, 100, 500, 999, 2000, 5000} : new int[] {0, 300, 1200}) {
      results.add(measure(finals, bench ? 9 : 3));
    }
    if (bench) {
      Files.writeString(
          Path.of(System.getProperty("slipway.bench.out")),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
    }
    // a tick with releases is the empty tick plus one index read (0 finals: no index at all)
    Tick some = results.get(1);
    assertThat(some.byOperation()).containsEntry("S3:GetObject", 1L);
    for (Tick tick : results.subList(1, results.size())) {
      if (tick.finalReleases() < 1000) { // one listing page holds 1,000 versions
        assertThat(tick.requests()).as(tick.toString()).isEqualTo(some.requests());
      } else {
        // More uploads than a page: still one listing a tick, and the sweep's cursor written as
        // it moves on (issue 19), nothing else.
        assertThat(tick.byOperation())
            .as(tick.toString())
            .containsEntry("S3:ListObjectVersions", 1L)
            .containsEntry("S3:PutObject", 1L);
        assertThat(tick.requests()).as(tick.toString()).isEqualTo(some.requests() + 1);
      }
    }
  }
}
