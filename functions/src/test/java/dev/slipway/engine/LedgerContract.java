package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseMachine;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.SourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReleaseLedger} must do, run against each: in memory, S3 on moto, and S3 on
 * LocalStack where Docker exists. Conditional writes are the whole point: a stale writer loses.
 */
public abstract class LedgerContract {

  protected abstract ReleaseLedger ledger();

  /** Threads for the concurrency case; an emulator may need fewer. */
  protected int threads() {
    return 8;
  }

  protected static Release release(String key) {
    SourceRef source = new SourceRef("bucket", "sources/svc/" + key + ".zip", "v1", null);
    ReleaseConfig config =
        new ReleaseConfig(
            ScanPolicy.DEFAULT,
            new Manifest.Deploy("c", "svc", "svc", 60),
            new Manifest.Health("/h", "/r", 5));
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    return ReleaseMachine.decide(
            null, new Input.SourceUploaded("up-" + key, now, source, config, null), now, null)
        .release();
  }

  protected static Release withSeen(Release r, String event) {
    List<String> seen = new ArrayList<>(r.seenEvents());
    seen.add(event);
    return copy(r, r.state(), r.history(), seen);
  }

  /** {@code r} with another state, history and seen events (the rest as it is). */
  static Release copy(
      Release r,
      dev.slipway.release.ReleaseState state,
      List<Release.Transition> history,
      List<String> seen) {
    return r.toBuilder().state(state).history(history).seenEvents(seen).build();
  }

  @Test
  void releaseIds_listEveryRecordOfTheService_notItsIndex() {
    Release a = release("a");
    Release b = release("b");
    ledger().create(a);
    ledger().create(b);
    ledger().createIndex(ServiceIndex.empty("svc").with(a));

    assertThat(ledger().releaseIds("svc")).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(ledger().releaseIds("other")).isEmpty();
  }

  @Test
  void create_onlyWhenAbsent() {
    Release release = release("a");

    assertThat(ledger().create(release)).isPresent();
    assertThat(ledger().create(release)).isEmpty();
    assertThat(ledger().read("svc", release.id()).orElseThrow().value()).isEqualTo(release);
  }

  @Test
  void replace_withAStaleVersion_losesAndKeepsTheWinner() {
    Release release = release("b");
    ledger().create(release);
    String version = ledger().read("svc", release.id()).orElseThrow().version();

    assertThat(ledger().replace(withSeen(release, "first"), version)).isPresent();
    assertThat(ledger().replace(withSeen(release, "second"), version)).isEmpty();
    assertThat(ledger().read("svc", release.id()).orElseThrow().value().seenEvents())
        .contains("first")
        .doesNotContain("second");
  }

  @Test
  void aWinningWrite_answersTheVersionItStored_soTheWriterCanGoOnWithoutReading() {
    Release release = release("e");
    String created = ledger().create(release).orElseThrow();
    assertThat(ledger().read("svc", release.id()).orElseThrow().version()).isEqualTo(created);

    String replaced = ledger().replace(withSeen(release, "first"), created).orElseThrow();
    assertThat(replaced).isNotEqualTo(created);
    assertThat(ledger().read("svc", release.id()).orElseThrow().version()).isEqualTo(replaced);
    // the answered version is the one to replace with next, and the old one no longer is
    assertThat(ledger().replace(withSeen(release, "second"), created)).isEmpty();
    assertThat(ledger().replace(withSeen(release, "third"), replaced)).isPresent();
  }

  @Test
  void insideAnEvent_aStaleCopyLosesItsWrite_andIsReadAgain() throws Exception {
    Release release = release("f");
    String id = release.id();
    ledger().create(release);
    ledger().beginEvent();
    try {
      ledger().read("svc", id).orElseThrow();
      // another handler (another thread, outside this thread's event) writes meanwhile
      Thread other =
          new Thread(
              () -> {
                var current = ledger().read("svc", id).orElseThrow();
                ledger().replace(withSeen(current.value(), "other"), current.version());
              });
      other.start();
      other.join();
      // a repeated read inside the event may answer this event's stale copy, but it cannot win
      var again = ledger().read("svc", id).orElseThrow();
      if (!again.value().seenEvents().contains("other")) {
        assertThat(ledger().replace(withSeen(again.value(), "stale"), again.version())).isEmpty();
      }
      var fresh = ledger().read("svc", id).orElseThrow();
      assertThat(fresh.value().seenEvents()).contains("other");
      assertThat(ledger().replace(withSeen(fresh.value(), "mine"), fresh.version())).isPresent();
    } finally {
      ledger().endEvent();
    }
    assertThat(ledger().read("svc", id).orElseThrow().value().seenEvents())
        .containsExactly("up-f", "other", "mine");
  }

  @Test
  void manyWriters_loseNoUpdate() throws Exception {
    Release release = release("c");
    ledger().create(release);
    int perThread = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads());
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads(); t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  while (true) {
                    var current = ledger().read("svc", release.id()).orElseThrow();
                    if (ledger()
                        .replace(withSeen(current.value(), thread + "-" + i), current.version())
                        .isPresent()) {
                      break;
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdownNow();

    assertThat(ledger().read("svc", release.id()).orElseThrow().value().seenEvents())
        .hasSize(1 + threads() * perThread)
        .doesNotHaveDuplicates();
  }

  @Test
  void links_firstWriterWins() {
    ledger().link("digest/sha256:aa", new ReleaseLedger.ReleaseKey("svc", "svc-000000000001"));
    ledger().link("digest/sha256:aa", new ReleaseLedger.ReleaseKey("svc", "svc-000000000002"));

    assertThat(ledger().linked("digest/sha256:aa"))
        .contains(new ReleaseLedger.ReleaseKey("svc", "svc-000000000001"));
    assertThat(ledger().linked("digest/sha256:bb")).isEmpty();
  }

  @Test
  void relink_pointsTheKeyAtTheNewestRelease() {
    ledger().link("deployment/ecs-svc/1", new ReleaseLedger.ReleaseKey("svc", "svc-000000000001"));
    ledger()
        .relink("deployment/ecs-svc/1", new ReleaseLedger.ReleaseKey("svc", "svc-000000000002"));

    assertThat(ledger().linked("deployment/ecs-svc/1"))
        .contains(new ReleaseLedger.ReleaseKey("svc", "svc-000000000002"));
  }

  @Test
  void index_listsItsService() {
    Release release = release("d");
    assertThat(ledger().createIndex(ServiceIndex.empty("svc").with(release))).isTrue();

    assertThat(ledger().services()).contains("svc");
    assertThat(ledger().readIndex("svc").orElseThrow().value().releases())
        .extracting(e -> e.id())
        .containsExactly(release.id());
  }
}
