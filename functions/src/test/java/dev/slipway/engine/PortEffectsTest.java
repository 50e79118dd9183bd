package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseMachine;
import dev.slipway.release.SourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each effect goes to its API's port, and the ports' two answers become a retry or a failure. */
class PortEffectsTest {
  final List<String> calls = new ArrayList<>();
  Exception next;

  final Builds builds =
      new Builds() {
        @Override
        public String start(Release release, Effect.BuildKind kind, Declarations.Service service)
            throws Unavailable, Refused {
          answer("start " + kind + " of " + service.name());
          return "build-1";
        }

        @Override
        public void stop(Release release, String buildId) throws Unavailable, Refused {
          answer("stop " + buildId);
        }

        @Override
        public Optional<String> status(String buildId) {
          return Optional.empty();
        }
      };

  final Deployments deployments =
      new Deployments() {
        @Override
        public Input.DeployStarted deploy(
            Release release, Effect.Deploy deploy, Declarations.Environment environment)
            throws Unavailable, Refused {
          answer("deploy " + environment.name());
          return new Input.DeployStarted("deployed:x", "td:2", "td:1", "ecs-svc/1");
        }

        @Override
        public String rollBack(
            Release release, String cluster, String service, String taskDefinitionArn)
            throws Unavailable, Refused {
          answer("rollBack " + taskDefinitionArn);
          return "ecs-svc/2";
        }

        @Override
        public Optional<Boolean> outcome(String cluster, String service, String deploymentId) {
          return Optional.empty();
        }
      };

  final Announcements announcements = (release, publish) -> answer("publish " + publish.type());

  final PortEffects effects =
      new PortEffects(
          builds,
          deployments,
          announcements,
          (release, at) -> answer("wake " + at),
          FakeWorld.DECLARATIONS);

  void answer(String call) throws Unavailable, Refused {
    calls.add(call);
    if (next instanceof Unavailable u) {
      throw u;
    }
    if (next instanceof Refused r) {
      throw r;
    }
  }

  static Release release() {
    return release("hello-go");
  }

  static Release release(String service) {
    SourceRef source = new SourceRef("bucket", "sources/" + service + "/x.zip", "v1", null);
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    return ReleaseMachine.decide(
            null,
            new Input.SourceUploaded("up", now, source, new FakeWorld().config, null),
            now,
            null)
        .release();
  }

  @Test
  void eachEffect_reachesItsPort_andAStartedBuildIsRecorded() {
    var outcome =
        effects.run(
            release(), new Effect.StartBuild(Effect.BuildKind.COMPILE, "x", "hello-go", null));
    assertThat(outcome)
        .isEqualTo(
            new EffectRunner.Outcome.Done(
                new Input.BuildStarted("started:build-1", Effect.BuildKind.COMPILE, "build-1")));
    effects.run(release(), new Effect.RollBack("slipway-demo", "hello-go", "td:1"));
    effects.run(release(), new Effect.StopBuild("build-1"));
    assertThat(calls).containsExactly("start COMPILE of hello-go", "rollBack td:1", "stop build-1");
  }

  @Test
  void unavailable_isARetry_refused_aFailure() {
    next = new Unavailable("ThrottlingException: slow down");
    assertThat(effects.run(release(), new Effect.StopBuild("b")))
        .isEqualTo(new EffectRunner.Outcome.Retry("ThrottlingException: slow down"));
    next = new Refused("AccessDeniedException: no");
    assertThat(effects.run(release(), new Effect.StopBuild("b")))
        .isEqualTo(new EffectRunner.Outcome.Failed("AccessDeniedException: no"));
  }

  @Test
  void aDeployToAnUndeclaredTarget_failsWithoutReachingECS() {
    var outcome =
        effects.run(release(), new Effect.Deploy("other-cluster", "hello-go", "hello-go", "img"));
    assertThat(outcome)
        .isEqualTo(
            new EffectRunner.Outcome.Failed(
                "other-cluster/hello-go is not a declared target of hello-go"));
    assertThat(calls).isEmpty();
    effects.run(release(), new Effect.Deploy("slipway-demo", "hello-go", "hello-go", "img"));
    assertThat(calls).containsExactly("deploy production");
  }

  @Test
  void aBuildOfAServiceNoLongerDeclared_failsWithoutReachingCodeBuild() {
    var outcome =
        effects.run(
            release("billing"),
            new Effect.StartBuild(Effect.BuildKind.IMAGE, "x", "billing", null));
    assertThat(outcome)
        .isEqualTo(new EffectRunner.Outcome.Failed("service billing is no longer declared"));
    assertThat(calls).isEmpty();
  }
}
