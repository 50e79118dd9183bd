package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.event.EcsDeploymentState;
import dev.slipway.event.EventMeta;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A person's rollback through the engine (architecture §3): the live release becomes ROLLED_BACK
 * with who asked, the release it returns to is deployed again and is live again after its rollout,
 * both announced; refused while a deployment runs.
 */
class ManualRollbackTest {
  static final String ALICE = "arn:aws:iam::210987654321:user/alice";
  static final String TD = "arn:aws:ecs:eu-west-1:210987654321:task-definition/hello-go:";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();
  final ReleaseEngine engine = new ReleaseEngine(ledger, world, clock);
  final Pipeline pipeline = new Pipeline(Fixtures.config(), world.ports(ledger), clock);

  /** A release of hello-go in {@code state}, uploaded {@code minutes} past noon, on revision n. */
  Release seed(String id, ReleaseState state, int minutes, int revision) {
    Instant at = Instant.parse("2026-11-27T12:00:00Z").plus(Duration.ofMinutes(minutes));
    Release release =
        Release.builder(id, "hello-go", at)
            .state(state)
            .config(world.config)
            .history(List.of(new Release.Transition(at, null, state, "seed", "seeded")))
            .deployment(
                new Release.Deployment(
                    TD + revision, TD + (revision - 1), "ecs-svc/" + revision, at, at, at))
            .build();
    assertThat(ledger.create(release)).isPresent();
    engine.index(release, ledger.readIndex("hello-go"));
    return release;
  }

  Release read(String id) {
    return ledger.read("hello-go", id).orElseThrow().value();
  }

  @Test
  void rollback_endsTheLiveRelease_andTheOneBeforeIsLiveAgainAfterItsRollout() throws Exception {
    seed("hello-go-000000000001", ReleaseState.LIVE, 0, 2);
    seed("hello-go-000000000002", ReleaseState.LIVE, 10, 3);
    clock.advance(Duration.ofMinutes(30));

    Pipeline.Handled handled = pipeline.rollBack("hello-go", null, ALICE, "5xx after 2", "req-1");

    assertThat(handled).isInstanceOf(Pipeline.Handled.Applied.class);
    Release newer = read("hello-go-000000000002");
    assertThat(newer.state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(newer.reason()).isEqualTo("rolled back by hand by " + ALICE + ": 5xx after 2");
    assertThat(newer.history().get(newer.history().size() - 1).detail())
        .isEqualTo("manual rollback by " + ALICE + ": 5xx after 2; back to hello-go-000000000001");
    Release older = read("hello-go-000000000001");
    assertThat(older.state()).isEqualTo(ReleaseState.LIVE);
    assertThat(older.deployment().deploymentId()).isEqualTo("ecs-svc/redeploy-" + older.id());
    assertThat(older.deployment().completedAt()).isNull();
    assertThat(world.ran)
        .containsExactly(
            newer.id() + " Publish Release Rolled Back", older.id() + " Redeploy " + TD + 2);

    // ECS reports the return's rollout (found through its deployment id).
    clock.advance(Duration.ofSeconds(40));
    pipeline.handle(
        new EcsDeploymentState(
            new EventMeta(
                "ecs-1",
                "aws.ecs",
                "ECS Deployment State Change",
                clock.instant(),
                "210987654321",
                "eu-west-1",
                List.of()),
            "SERVICE_DEPLOYMENT_COMPLETED",
            "ecs-svc/redeploy-" + older.id(),
            "arn:aws:ecs:eu-west-1:210987654321:service/slipway-demo/hello-go",
            "completed"));

    older = read("hello-go-000000000001");
    assertThat(older.deployment().completedAt()).isEqualTo(clock.instant());
    assertThat(older.history().get(older.history().size() - 1).detail())
        .isEqualTo("live again: deployment ecs-svc/redeploy-" + older.id() + " completed");
    assertThat(world.ran).endsWith(older.id() + " Publish Release Live");
    assertThat(
            ledger.readIndex("hello-go").orElseThrow().value().releases().stream()
                .map(e -> e.id() + " " + e.state()))
        .containsExactly("hello-go-000000000002 ROLLED_BACK", "hello-go-000000000001 LIVE");

    // The same request again changes nothing; a second rollback waits for nothing and finds
    // the first release live, with no release before it but its own previous revision.
    pipeline.rollBack("hello-go", null, ALICE, "5xx after 2", "req-1");
    assertThat(world.ran.stream().filter(r -> r.contains("Redeploy"))).hasSize(1);
  }

  @Test
  void rollback_isRefusedWhileAReleaseIsDeploying_orAReturnIsRollingOut() {
    seed("hello-go-000000000001", ReleaseState.LIVE, 0, 2);
    seed("hello-go-000000000002", ReleaseState.LIVE, 10, 3);
    seed("hello-go-000000000003", ReleaseState.DEPLOYING, 20, 4);

    Pipeline.Handled refused = pipeline.rollBack("hello-go", null, ALICE, null, "req-2");

    assertThat(refused)
        .isEqualTo(
            new Pipeline.Handled.Refused(
                "hello-go-000000000003 is DEPLOYING: a rollback waits until its deployment has"
                    + " ended"));
    assertThat(read("hello-go-000000000002").state()).isEqualTo(ReleaseState.LIVE);
    assertThat(world.ran).isEmpty();
  }

  @Test
  void rollbackTo_anOlderRelease_rollsBackTheOnesBetween_andRefusesAnythingElse() {
    seed("hello-go-000000000001", ReleaseState.LIVE, 0, 2);
    seed("hello-go-000000000002", ReleaseState.LIVE, 10, 3);
    seed("hello-go-000000000003", ReleaseState.LIVE, 20, 4);
    seed("hello-go-000000000009", ReleaseState.FAILED, 30, 5);

    assertThat(pipeline.rollBack("hello-go", "hello-go-000000000009", ALICE, null, "r"))
        .isInstanceOf(Pipeline.Handled.Refused.class)
        .extracting(h -> ((Pipeline.Handled.Refused) h).reason())
        .asString()
        .contains("is not an earlier live release of hello-go");
    assertThat(pipeline.rollBack("hello-go", "hello-go-000000000003", ALICE, null, "r"))
        .isEqualTo(
            new Pipeline.Handled.Refused("hello-go-000000000003 is the live release itself"));

    pipeline.rollBack("hello-go", "hello-go-000000000001", ALICE, null, "req-3");

    assertThat(read("hello-go-000000000003").state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(read("hello-go-000000000002").state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(read("hello-go-000000000002").history().get(1).detail())
        .endsWith("; passed over, back to hello-go-000000000001");
    assertThat(world.ran.stream().filter(r -> r.contains("Redeploy")))
        .containsExactly("hello-go-000000000001 Redeploy " + TD + 2);
  }

  @Test
  void rollback_withNoReleaseBefore_returnsToTheTaskDefinitionItReplaced() {
    seed("hello-go-000000000001", ReleaseState.LIVE, 0, 2);

    pipeline.rollBack("hello-go", null, ALICE, null, "req-4");

    assertThat(read("hello-go-000000000001").state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(world.ran).contains("hello-go-000000000001 RollBack " + TD + 1);
  }
}
