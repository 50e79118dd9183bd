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

  /**
   * One measurement: {@code history} false, every release uploaded within the hour before the tick
   * (the lost-upload sweep weighs each against the index); true, one release every half hour before
   * it (six weeks at 2,000), the tick a day after the last (past the sweep's look-back), with the
   * index trimmed as the engine writes it or ({@code whole}) every release in it, as before issue
   * 19.
   */
  record Tick(
      int finalReleases,
      String scenario,
      long requests,
      Map<String, Long> byOperation,
      double msMedian,
      long indexBytes,
      double indexWriteMsMedian) {}

  Tick measure(int finals, int ticks) throws Exception {
    return measure(finals, ticks, false, false);
  }

  Tick measure(int finals, int ticks, boolean history, boolean whole) throws Exception {
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
              history
                  ? uploaded.minus(Duration.ofMinutes(30L * (finals - i)))
                  : uploaded.minusSeconds(finals - i),
              i == finals - 1 ? ReleaseState.LIVE : ReleaseState.SUPERSEDED,
              uploaded,
              9));
    }
    S3Ledger ledger = new S3Ledger(aws.s3(), BUCKET, "ledger/");
    long indexBytes = 0;
    if (finals > 0) {
      // as the engine writes it (ServiceIndex#with trims each write); uploaded within the hour, all
      // of them stay: the lost-upload sweep asks the index about each
      ServiceIndex index =
          whole ? new ServiceIndex(SERVICE, entries) : new ServiceIndex(SERVICE, entries).trimmed();
      if (!history) {
        assertThat(index.releases()).hasSize(finals);
      }
      assertThat(ledger.createIndex(index)).isTrue();
      indexBytes =
          aws.s3()
              .headObject(r -> r.bucket(BUCKET).key("ledger/releases/" + SERVICE + "/index.json"))
              .contentLength();
    }
    // an hour later every upload is past the stuck period, so the lost-upload check weighs each;
    // a history's tick comes a day after its last upload, past the check's look-back
    MutableClock clock =
        new MutableClock(
            uploaded.plus(history ? Duration.ofDays(1).plusHours(1) : Duration.ofHours(1)));
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
    String scenario = !history ? "within the hour" : whole ? "history, whole index" : "history";
    return new Tick(
        finals,
        scenario,
        requests,
        byOperation,
        millis.get(millis.size() / 2),
        indexBytes,
        finals == 0 ? 0 : indexWrites(ledger, uploaded, ticks, whole));
  }

  /**
   * What each state change of a release pays for the index (ReleaseEngine#index): read it, add the
   * release's new entry, write it back conditionally; {@code n} times, the median ms. {@code
   * whole}: the index keeps every release, as before it was trimmed.
   */
  static double indexWrites(S3Ledger ledger, Instant uploaded, int n, boolean whole) {
    List<Double> millis = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      long start = System.nanoTime();
      var read = ledger.readIndex(SERVICE).orElseThrow();
      List<ServiceView.Entry> entries = new ArrayList<>(read.value().releases());
      entries.add(
          new ServiceView.Entry(
              "next-" + k, uploaded.plusSeconds(k + 1), ReleaseState.BUILDING, uploaded, 2));
      ServiceIndex next = new ServiceIndex(SERVICE, entries);
      assertThat(ledger.replaceIndex(whole ? next : next.trimmed(), read.version())).isTrue();
      millis.add((System.nanoTime() - start) / 1e6);
    }
    millis.sort(null);
    return millis.get(millis.size() / 2);
  }

  @Test
  void aTicksRequests_doNotGrowWithTheFinalReleasesInTheLedger() throws Exception {
    boolean bench = Boolean.getBoolean("slipway.bench.reconciler");
    List<Tick> results = new ArrayList<>();
    for (int finals : bench ? new int[] {0, 100, 500, 999, 2000, 5000} : new int[] {0, 300, 1200}) {
      results.add(measure(finals, bench ? 9 : 3));
    }
    List<Tick> histories = new ArrayList<>();
    for (int finals : bench ? new int[] {2000, 5000} : new int[] {1200}) {
      for (boolean whole : new boolean[] {true, false}) {
        histories.add(measure(finals, bench ? 9 : 3, true, whole));
      }
    }
    // A history's index holds what decisions need, not every release (ServiceIndex#trimmed): the
    // same requests a tick as the whole index, a fraction of its bytes.
    for (int k = 0; k < histories.size(); k += 2) {
      Tick whole = histories.get(k);
      Tick trimmed = histories.get(k + 1);
      assertThat(trimmed.requests()).as(trimmed.toString()).isEqualTo(whole.requests());
      assertThat(trimmed.indexBytes()).as(trimmed.toString()).isLessThan(whole.indexBytes() / 10);
    }
    results.addAll(histories);
    if (bench) {
      Files.writeString(
          Path.of(System.getProperty("slipway.bench.out")),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
    }
    // a tick with releases is the empty tick plus one index read (0 finals: no index at all)
    Tick some = results.get(1);
    assertThat(some.byOperation()).containsEntry("S3:GetObject", 1L);
    for (Tick tick : results.subList(1, results.size() - histories.size())) {
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
