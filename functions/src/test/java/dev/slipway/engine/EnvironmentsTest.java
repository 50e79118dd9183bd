package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.event.AlarmStateChange;
import dev.slipway.event.EventMeta;
import dev.slipway.event.SlipwayDetailType;
import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.Severity;
import dev.slipway.release.SourceRef;
import dev.slipway.release.Stage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * architecture §3, environments: a release deploys to the first environment, is promoted (by a
 * person, or by itself) into the next with the same image, each environment with its own gate and
 * its own track in the record; promotions the rules do not allow are refused with the reason.
 */
class EnvironmentsTest {
  static final String ALICE = "arn:aws:iam::210987654321:user/alice";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();
  final ReleaseEngine engine = new ReleaseEngine(ledger, world, clock);
  final Pipeline pipeline = new Pipeline(Fixtures.config(), world.ports(ledger), clock);

  static Stage staging(boolean approval) {
    return new Stage("staging", "slipway-demo", "hello-go-staging", 60, approval, false);
  }

  static Stage production(boolean approval, boolean auto) {
    return new Stage("production", "slipway-demo", "hello-go", 120, approval, auto);
  }

  /** The releases' path, their manifest's deploy bound to the first stage as admission binds it. */
  void path(Stage... stages) {
    ReleaseConfig c = world.config;
    world.config =
        new ReleaseConfig(
            c.scan(),
            c.deploy().boundTo(stages[0].cluster(), stages[0].service()),
            c.health(),
            c.goVersion(),
            c.approvers(),
            c.dockerfile(),
            List.of(stages));
  }

  /** Uploaded at {@code minutes} past ten, built, pushed and scanned with {@code findings}. */
  String upTo(String name, int minutes, List<Finding> findings) {
    SourceRef source = new SourceRef("b", "sources/hello-go/" + name + ".zip", "v-" + name, null);
    String id = source.releaseId();
    Instant at = Instant.parse("2026-11-27T10:00:00Z").plus(Duration.ofMinutes(minutes));
    apply(id, new Input.SourceUploaded("up-" + id, at, source, world.config, null));
    apply(
        id,
        new Input.BuildFinished(
            "c-" + id,
            Effect.BuildKind.COMPILE,
            ReleaseRaceTest.build(id, "compile", "C"),
            "SUCCEEDED"));
    apply(
        id,
        new Input.BuildFinished(
            "i-" + id,
            Effect.BuildKind.IMAGE,
            ReleaseRaceTest.build(id, "image", "I"),
            "SUCCEEDED"));
    apply(id, new Input.ImagePushed("p-" + id, null, "repo", "sha256:" + id, List.of()));
    apply(id, new Input.ScanCompleted("s-" + id, "sha256:" + id, findings));
    return id;
  }

  void apply(String id, Input input) {
    engine.apply("hello-go", id, input);
  }

  /** The current deployment completes and its bake runs out. */
  void bakes(String id) {
    Release r = read(id);
    apply(
        id,
        new Input.DeploymentEnded(
            "end-" + r.deployment().deploymentId(), r.deployment().deploymentId(), true, null));
    clock.advance(Duration.ofMinutes(5));
    apply(id, new Input.BakeDue("bake-" + id + "-" + clock.instant()));
  }

  Release read(String id) {
    return ledger.read("hello-go", id).orElseThrow().value();
  }

  String refusal(Pipeline.Handled handled) {
    assertThat(handled).isInstanceOf(Pipeline.Handled.Refused.class);
    return ((Pipeline.Handled.Refused) handled).reason();
  }

  @Test
  void aRelease_isLiveInStagingOnly_untilPromoted_thenLiveInProduction_withTheSameImage() {
    path(staging(false), production(false, false));
    String id = upTo("one", 0, List.of());
    assertThat(read(id).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(read(id).environment()).isEqualTo("staging");

    bakes(id);
    Release staged = read(id);
    assertThat(staged.state()).isEqualTo(ReleaseState.AWAITING_PROMOTION);
    assertThat(staged.track("staging").orElseThrow().state()).isEqualTo(ReleaseState.LIVE);
    assertThat(staged.track("production")).isEmpty();
    assertThat(world.deploys)
        .extracting(Effect.Deploy::service)
        .containsExactly("hello-go-staging");
    assertThat(world.ran)
        .contains(id + " Publish " + SlipwayDetailType.RELEASE_AWAITING_PROMOTION.detailType());

    Pipeline.Handled promoted =
        pipeline.promote(id, "production", ALICE, "staging looks good", "req-1");
    assertThat(promoted).isInstanceOf(Pipeline.Handled.Applied.class);
    Release deploying = read(id);
    assertThat(deploying.state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(deploying.environment()).isEqualTo("production");
    assertThat(deploying.history().stream().map(Release.Transition::detail))
        .contains(
            "production: promoted from staging by " + ALICE + ": staging looks good",
            "production: to slipway-demo/hello-go");
    // The same request again is the same promotion, not a second one.
    assertThat(pipeline.promote(id, "production", ALICE, "staging looks good", "req-1"))
        .isInstanceOf(Pipeline.Handled.Applied.class);

    bakes(id);
    Release live = read(id);
    assertThat(live.state()).isEqualTo(ReleaseState.LIVE);
    assertThat(world.deploys)
        .extracting(d -> d.service() + " " + d.image())
        .containsExactly("hello-go-staging repo@sha256:" + id, "hello-go repo@sha256:" + id);
    assertThat(live.tracks())
        .extracting(t -> t.environment() + " " + t.target() + " " + t.state())
        .containsExactly(
            "staging slipway-demo/hello-go-staging LIVE", "production slipway-demo/hello-go LIVE");
    Release.Track stagingTrack = live.track("staging").orElseThrow();
    Release.Track productionTrack = live.track("production").orElseThrow();
    assertThat(stagingTrack.leftAt()).isNotNull();
    assertThat(stagingTrack.deployment().deploymentId())
        .isEqualTo("ecs-svc/hello-go-staging/" + id);
    assertThat(productionTrack.deployment().deploymentId()).isEqualTo("ecs-svc/" + id);
    assertThat(productionTrack.deployment().taskDefinitionArn())
        .isNotEqualTo(stagingTrack.deployment().taskDefinitionArn());
    assertThat(refusal(pipeline.promote(id, "production", ALICE, null, "req-2")))
        .isEqualTo(id + " has already been promoted to production (LIVE)");
  }

  @Test
  void promotions_theRulesDoNotAllow_areRefusedWithTheReason() {
    path(staging(false), production(false, false));
    String failed = upTo("failed", 0, List.of());
    apply(
        failed,
        new Input.DeploymentEnded(
            "end-f", read(failed).deployment().deploymentId(), false, "tasks failed to start"));
    assertThat(read(failed).state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(refusal(pipeline.promote(failed, "production", ALICE, null, "r-1")))
        .isEqualTo(
            failed
                + " is not live in staging, the environment before production (it is ROLLED_BACK"
                + " in staging: staging: deployment ecs-svc/hello-go-staging/"
                + failed
                + " failed: tasks failed to start)");
    assertThat(refusal(pipeline.promote(failed, "qa", ALICE, null, "r-2")))
        .isEqualTo(
            "qa is not an environment of hello-go (environments, in order: staging, production)");
    assertThat(refusal(pipeline.promote(failed, "staging", ALICE, null, "r-3")))
        .isEqualTo("staging is hello-go's first environment: releases start there");

    // A newer release live in staging supersedes the older one waiting there: only what runs in
    // an environment goes on from it.
    String older = upTo("older", 10, List.of());
    bakes(older);
    String newer = upTo("newer", 20, List.of());
    bakes(newer);
    assertThat(read(older).state()).isEqualTo(ReleaseState.SUPERSEDED);
    assertThat(read(older).reason()).isEqualTo("superseded by " + newer + ", live in staging");
    assertThat(refusal(pipeline.promote(older, "production", ALICE, null, "r-4")))
        .startsWith(
            older + " is not live in staging, the environment before production (it is SUPERSEDED");

    // One waiting in staging cannot pass a newer one already in production (it got there first).
    String waiting = upTo("waiting", 30, List.of());
    bakes(waiting);
    assertThat(read(newer).state()).isEqualTo(ReleaseState.SUPERSEDED);
    Instant later = Instant.parse("2026-11-27T11:00:00Z");
    Release ahead =
        Release.builder("hello-go-00000000000a", "hello-go", later)
            .state(ReleaseState.DEPLOYING)
            .config(world.config)
            .environment("production")
            .history(
                List.of(
                    new Release.Transition(later, null, ReleaseState.DEPLOYING, "seed", "seeded")))
            .build();
    assertThat(ledger.create(ahead)).isPresent();
    engine.index(ahead, ledger.readIndex("hello-go"));
    assertThat(refusal(pipeline.promote(waiting, "production", ALICE, null, "r-5")))
        .isEqualTo(
            "a newer release of hello-go, hello-go-00000000000a, is already in production or past"
                + " it (DEPLOYING in production)");
    assertThat(read(waiting).state()).isEqualTo(ReleaseState.AWAITING_PROMOTION);
    assertThat(world.deploys.stream().filter(d -> d.service().equals("hello-go"))).isEmpty();
  }

  @Test
  void aPromotion_afterAnAllowanceRanOut_isRefused_theVerdictHasExpired() {
    path(staging(false), production(false, false));
    world.config =
        new ReleaseConfig(
                new ScanPolicy(
                    Set.of(Severity.CRITICAL, Severity.HIGH),
                    Set.of(Severity.MEDIUM),
                    List.of(
                        new ScanPolicy.Allowance(
                            "GO-2026-1", LocalDate.parse("2026-11-28"), "not reachable"))),
                world.config.deploy(),
                world.config.health())
            .withStages(world.config.stages());
    String id = upTo("allowed", 0, List.of(new Finding("GO-2026-1", Severity.HIGH, "x", "1")));
    bakes(id);
    assertThat(read(id).state()).isEqualTo(ReleaseState.AWAITING_PROMOTION);
    clock.advance(Duration.ofDays(2));
    assertThat(refusal(pipeline.promote(id, "production", ALICE, null, "r-1")))
        .isEqualTo(
            "the scan verdict has expired: the policy now says BLOCK for GO-2026-1 (HIGH) (it said"
                + " PASS); a new release is scanned again");
  }

  @Test
  void automaticPromotion_deploysToTheNextAfterTheBake_orWaitsForAPerson_whenItNeedsOne() {
    path(staging(false), production(false, true));
    String auto = upTo("auto", 0, List.of());
    bakes(auto);
    assertThat(read(auto).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(read(auto).environment()).isEqualTo("production");
    assertThat(read(auto).history().stream().map(Release.Transition::detail))
        .contains("production: promoted from staging automatically after its bake");

    path(staging(true), production(true, true));
    String gated = upTo("gated", 30, List.of());
    assertThat(read(gated).state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    assertThat(read(gated).environment()).isEqualTo("staging");
    apply(gated, new Input.Approved("a-1", ALICE, null));
    assertThat(read(gated).state()).isEqualTo(ReleaseState.DEPLOYING);
    bakes(gated);
    assertThat(read(gated).state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    assertThat(read(gated).environment()).isEqualTo("production");
    apply(gated, new Input.Approved("a-2", ALICE, "go"));
    assertThat(read(gated).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(world.deploys)
        .extracting(d -> d.service() + " " + d.image())
        .endsWith("hello-go-staging repo@sha256:" + gated, "hello-go repo@sha256:" + gated);
  }

  @Test
  void anEnvironmentWithEcsOwnStrategy_passesItAndItsBakeToEcs_andAddsNoBakeOfItsOwn() {
    Manifest.Strategy canary = new Manifest.Strategy(Manifest.Strategy.Kind.CANARY, 10, 3);
    path(
        staging(false),
        new Stage("production", "slipway-demo", "hello-go", 90, false, false, canary));
    String id = upTo("canary", 0, List.of());
    assertThat(world.deploys.get(0).strategy()).as("staging keeps the service's own").isNull();
    bakes(id);
    pipeline.promote(id, "production", ALICE, null, "r-1");
    Effect.Deploy production = world.deploys.get(1);
    assertThat(production.strategy()).isEqualTo(canary);
    assertThat(production.bakeMinutes()).as("90 s, in ECS's whole minutes").isEqualTo(2);
    // ECS reports the deployment complete after its own bake: live at once.
    Release r = read(id);
    apply(id, new Input.DeploymentEnded("end-p", r.deployment().deploymentId(), true, null));
    assertThat(read(id).state()).isEqualTo(ReleaseState.LIVE);
  }

  /** The pipeline over {@code declared}, every declared alarm routed. */
  Pipeline pipeline(Declarations declared) {
    return new Pipeline(
        new EngineConfig(
            "slipway-sources-210987654321",
            "slipway-compile",
            "slipway-image",
            declared,
            declared.alarmServices(),
            Duration.ofMinutes(15)),
        world.ports(ledger),
        clock);
  }

  /** hello-go in staging, then production, each with its 5xx alarm, and the service's own. */
  static Declarations twoEnvironmentsWithAlarms() {
    return new Declarations(
        List.of(
            new Declarations.Service(
                "hello-go",
                "slipway/hello-go",
                List.of(
                    new Declarations.Environment(
                        "staging",
                        "slipway-demo",
                        "hello-go-staging",
                        null,
                        null,
                        List.of("hello-go-staging-5xx")),
                    new Declarations.Environment(
                        "production",
                        "slipway-demo",
                        "hello-go",
                        null,
                        null,
                        List.of("hello-go-5xx"))),
                List.of("hello-go-unhealthy"))),
        Declarations.Floor.DEFAULT);
  }

  @Test
  void anEnvironmentsAlarm_rollsBackOnlyTheReleaseDeployingThere() throws Unavailable {
    Declarations declared = twoEnvironmentsWithAlarms();
    Pipeline guarded = pipeline(declared);
    assertThat(declared.alarmServices())
        .containsOnlyKeys("hello-go-staging-5xx", "hello-go-5xx", "hello-go-unhealthy");
    path(staging(false), production(false, false));
    String older = upTo("older", 0, List.of());
    bakes(older);
    guarded.promote(older, "production", ALICE, null, "r-1");
    String newer = upTo("newer", 10, List.of());
    assertThat(read(older).state()).isEqualTo(ReleaseState.DEPLOYING); // in production
    assertThat(read(newer).state()).isEqualTo(ReleaseState.DEPLOYING); // in staging

    guarded.handle(alarm("a-1", "hello-go-staging-5xx"));
    assertThat(read(newer).state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(read(newer).reason())
        .isEqualTo("staging: alarm hello-go-staging-5xx entered ALARM: 5 errors");
    assertThat(read(older).state())
        .as("production's deploy is not staging's alarm's")
        .isEqualTo(ReleaseState.DEPLOYING);

    guarded.handle(alarm("a-2", "hello-go-unhealthy")); // the service's: every environment
    assertThat(read(older).state()).isEqualTo(ReleaseState.ROLLED_BACK);
  }

  @Test
  void aLostDeploymentEvent_inTheSecondEnvironment_isAskedOfThatEnvironmentsService()
      throws Unavailable {
    Declarations declared = twoEnvironmentsWithAlarms();
    Pipeline reconciling = pipeline(declared);
    path(staging(false), production(false, false));
    String id = upTo("lost", 0, List.of());
    bakes(id);
    reconciling.promote(id, "production", ALICE, null, "r-1");
    String deployment = read(id).deployment().deploymentId();
    world.deploymentOutcomes.put(deployment, true);
    world.firing.add("hello-go-staging-5xx"); // staging's alarm: nothing to do with production
    clock.advance(Duration.ofMinutes(20));

    reconciling.reconcile();

    assertThat(world.outcomesAsked).containsExactly("slipway-demo/hello-go " + deployment);
    assertThat(read(id).deployment().completedAt()).isNotNull();
    assertThat(read(id).state()).isNotEqualTo(ReleaseState.ROLLED_BACK);
  }

  AlarmStateChange alarm(String id, String name) {
    return new AlarmStateChange(
        new EventMeta(
            id,
            "aws.cloudwatch",
            "CloudWatch Alarm State Change",
            clock.instant(),
            "210987654321",
            "eu-west-1",
            List.of()),
        name,
        "ALARM",
        "OK",
        "5 errors");
  }
}
