package dev.slipway.engine;

import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import java.util.List;
import java.util.Optional;

/**
 * Carries out each effect through the port of the API it concerns, and turns the ports' two answers
 * into the engine's: {@link Unavailable} is a retry, {@link Refused} a failure. The checks that
 * belong to no API are here: a build or deploy only for a service still declared, a deploy only to
 * a declared target.
 */
public final class PortEffects implements EffectRunner {
  private final Builds builds;
  private final Deployments deployments;
  private final Announcements announcements;
  private final Timers timers;
  private final Declarations services;

  public PortEffects(
      Builds builds,
      Deployments deployments,
      Announcements announcements,
      Timers timers,
      Declarations services) {
    this.builds = builds;
    this.deployments = deployments;
    this.announcements = announcements;
    this.timers = timers;
    this.services = services;
  }

  @Override
  public Outcome run(Release release, Effect effect) {
    return outcome(() -> followUp(release, effect));
  }

  /** Announcements together: one PutEvents for all of them. */
  @Override
  public Outcome runAll(Release release, List<Effect.Publish> announcements) {
    return outcome(
        () -> {
          this.announcements.publishAll(release, announcements);
          return null;
        });
  }

  /**
   * A port's call, as the engine's outcome: {@link Unavailable} a retry, {@link Refused} a failure.
   */
  private static Outcome outcome(PortCall call) {
    try {
      return new Outcome.Done(call.followUp());
    } catch (Unavailable e) {
      return new Outcome.Retry(e.getMessage());
    } catch (Refused e) {
      return new Outcome.Failed(e.getMessage());
    }
  }

  private interface PortCall {
    Input followUp() throws Unavailable, Refused;
  }

  private Input followUp(Release release, Effect effect) throws Unavailable, Refused {
    if (effect instanceof Effect.StartBuild build) {
      Declarations.Service service =
          services
              .service(release.service())
              .orElseThrow(
                  () -> new Refused("service " + release.service() + " is no longer declared"));
      String id = builds.start(release, build, service);
      return new Input.BuildStarted("started:" + id, build.kind(), id);
    }
    if (effect instanceof Effect.StopBuild stop) {
      builds.stop(release, stop.buildId());
      return null;
    }
    if (effect instanceof Effect.WakeAt wake) {
      timers.wakeAt(release, wake.at());
      return null;
    }
    if (effect instanceof Effect.Publish publish) {
      announcements.publish(release, publish);
      return null;
    }
    if (effect instanceof Effect.Deploy deploy) {
      // Admission bound the release to a declared target; the declarations may have changed.
      Optional<Declarations.Environment> environment =
          services
              .service(release.service())
              .flatMap(s -> s.target(deploy.cluster(), deploy.service()));
      if (environment.isEmpty()) {
        throw new Refused(
            deploy.cluster()
                + "/"
                + deploy.service()
                + " is not a declared target of "
                + release.service());
      }
      return deployments.deploy(release, deploy, environment.get());
    }
    if (effect instanceof Effect.RollBack rollBack) {
      deployments.rollBack(
          release, rollBack.cluster(), rollBack.service(), rollBack.taskDefinitionArn());
      return null;
    }
    if (effect instanceof Effect.Redeploy redeploy) {
      String deploymentId =
          deployments.rollBack(
              release, redeploy.cluster(), redeploy.service(), redeploy.taskDefinitionArn());
      return new Input.DeployStarted(
          "redeployed:" + release.id() + ":" + deploymentId,
          redeploy.taskDefinitionArn(),
          release.deployment() == null ? null : release.deployment().previousTaskDefinitionArn(),
          deploymentId);
    }
    throw new Refused("no port carries out " + effect.key());
  }
}
