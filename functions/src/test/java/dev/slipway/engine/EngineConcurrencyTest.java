package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import dev.slipway.release.SourceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads applying the same events to one release, and events to many releases at once: no
 * lost update (every release reaches the same final history as a sequential run) and no duplicate
 * effect (each build started and each deployment made exactly once).
 */
class EngineConcurrencyTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();
  final ReleaseEngine engine = new ReleaseEngine(ledger, world, clock);

  static SourceRef source(int n) {
    return new SourceRef("bucket", "sources/svc-" + n + "/build.zip", "v" + n, null);
  }

  /** The inputs of a whole release, in the order AWS would cause them. */
  List<Input> lifecycle(SourceRef source, String release) {
    String compile =
        "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-compile:" + release + "-COMPILE";
    String image =
        "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-image:" + release + "-IMAGE";
    String digest = "sha256:" + release;
    return List.of(
        new Input.SourceUploaded(
            "up-" + release, Instant.parse("2026-11-27T10:00:00Z"), source, world.config, null),
        new Input.BuildFinished("c-" + release, Effect.BuildKind.COMPILE, compile, "SUCCEEDED"),
        new Input.BuildFinished("i-" + release, Effect.BuildKind.IMAGE, image, "SUCCEEDED"),
        new Input.ImagePushed("p-" + release, null, "repo", digest, List.of()),
        new Input.ScanCompleted("s-" + release, digest, List.of()),
        new Input.DeploymentEnded("d-" + release, "ecs-svc/" + release, true, null));
  }

  @Test
  void aWholeRelease_costsFewLedgerRequests_eachStepGoesOnFromItsOwnWrite() {
    SourceRef source = source(2);
    String id = source.releaseId();
    for (Input input : lifecycle(source, id)) {
      engine.apply("svc-2", id, input);
    }
    Release release = ledger.read("svc-2", id).orElseThrow().value();
    assertThat(release.deployment().completedAt()).isNotNull();
    // Six inputs, four effects (two builds, a task definition, a deployment), one thread: every
    // input is one read of the release and of the index for the decision; the effects' claims and
    // results go on from their own writes; the index is written only when the state changed.
    // (Reading the record back before each claim, as the engine did, makes it 20 reads.)
    assertThat(ledger.releaseReads.get() - 1).as("release reads").isEqualTo(6);
    // The index only for a decision that weighs the others (the new release, the deploy) or a
    // state change to write into it: 4 (every decision and follow-up read it before, up to 10).
    assertThat(ledger.indexReads.get()).as("index reads").isEqualTo(4);
    assertThat(ledger.conflicts.get()).isZero();
    // Writes: each decision claims its first effects in the write that records it, and each
    // completion claims the next; no claim is a write of its own; announcements in a row and the
    // effect after them are one claim and one completion (32 writes when every claim and
    // completion was, 26 with only the completions claiming, 21 with an announcement a group).
    assertThat(ledger.writes.get()).as("ledger writes").isEqualTo(16);
  }

  @Test
  void manyThreadsDeliveringTheSameEvents_toOneRelease_loseAndDoubleNothing() throws Exception {
    // The outcome is checked on every round; rounds repeat (on fresh engines) until the threads
    // have really collided at least once, since a cold JVM on two cores can serialize one round.
    long conflicts = 0;
    for (int round = 0; round < 50 && conflicts == 0; round++) {
      conflicts = new EngineConcurrencyTest().deliverTheSameEventsFromEightThreads();
    }
    assertThat(conflicts).as("the threads did collide").isPositive();
  }

  /** One round: every input applied by 8 threads at once; returns the ledger's write conflicts. */
  long deliverTheSameEventsFromEightThreads() throws Exception {
    SourceRef source = source(1);
    String id = source.releaseId();
    List<Input> inputs = lifecycle(source, id);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Input input : inputs) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    return engine.apply("svc-1", id, input);
                  }));
        }
        start.countDown();
        for (Future<?> f : futures) {
          f.get(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Release release = ledger.read("svc-1", id).orElseThrow().value();

    assertThat(release.history().stream().map(Release.Transition::to))
        .containsExactlyElementsOf(Fixtures.TO_LIVE.subList(0, 6));
    assertThat(release.deployment().completedAt()).isNotNull();
    assertThat(release.pending()).isEmpty();
    assertThat(world.ran).doesNotHaveDuplicates();
    assertThat(world.ran.stream().filter(r -> r.contains("StartBuild"))).hasSize(2);
    assertThat(world.registered).hasValue(1);
    // The index shows the release's last state: no writer with an older copy overwrote it.
    ServiceIndex index = ledger.readIndex("svc-1").orElseThrow().value();
    assertThat(index.releases())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.state()).isEqualTo(release.state());
              assertThat(e.transitions()).isEqualTo(release.history().size());
            });
    return ledger.conflicts.get();
  }

  @Test
  void manyReleasesAtOnce_eachReachesTheSameStateAsAlone() throws Exception {
    int releases = 40;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    for (int n = 0; n < releases; n++) {
      SourceRef source = source(n);
      String service = "svc-" + n;
      String id = source.releaseId();
      ids.add(service + "/" + id);
      List<Input> inputs = new ArrayList<>(lifecycle(source, id));
      List<Input> doubled = new ArrayList<>(inputs);
      doubled.addAll(inputs.subList(1, inputs.size())); // every event but the upload, again
      for (Input input : doubled) {
        futures.add(pool.submit(() -> engine.apply(service, id, input)));
      }
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    clock.advance(Duration.ofMinutes(10));
    for (String key : ids) {
      String[] parts = key.split("/");
      engine.apply(parts[0], parts[1], new Input.Tick("tick"));
    }

    for (String key : ids) {
      String[] parts = key.split("/");
      Release release = ledger.read(parts[0], parts[1]).orElseThrow().value();
      // Inputs raced each other, so a release may have seen its scan before its push was applied
      // and be waiting; none may have lost or repeated a transition.
      assertThat(release.history().stream().map(Release.Transition::to))
          .as(key)
          .doesNotHaveDuplicates();
      assertThat(release.history().stream().map(h -> h.to().ordinal()).toList()).as(key).isSorted();
    }
    assertThat(world.ran).doesNotHaveDuplicates();
    Map<String, Long> deploys =
        world.ran.stream()
            .filter(r -> r.contains(" Deploy "))
            .collect(
                java.util.stream.Collectors.groupingBy(
                    r -> r.split(" ")[0], java.util.stream.Collectors.counting()));
    assertThat(deploys.values()).allMatch(count -> count == 1);
  }
}
