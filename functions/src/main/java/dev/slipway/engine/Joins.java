package dev.slipway.engine;

import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import java.util.List;
import java.util.Optional;

/**
 * The join keys of architecture §3, in one place: which release an image digest (index or platform)
 * and an ECS deployment belong to, and the marks an event that came before what it joins leaves for
 * later (a scan before its push, a deployment's end before its start). Stored through {@link
 * JoinKeys} (the ledger's {@code links/}).
 */
final class Joins {
  /** The mark a scan that ended before its image's push was handled leaves. */
  static final String EARLY_SCAN = "early-scan/";

  private static final String DIGEST = "digest/";
  private static final String DEPLOYMENT = "deployment/";

  /** The mark an ECS deployment that ended before its start was recorded leaves. */
  private static final String EARLY_DEPLOYMENT = "early-deployment/";

  private static final ReleaseStore.ReleaseKey EARLY_SCAN_MARK =
      new ReleaseStore.ReleaseKey("-", "scan ended before the push was handled");

  private final JoinKeys store;

  Joins(JoinKeys store) {
    this.store = store;
  }

  /** The image {@code digest} and its platform images are {@code release}'s. */
  void image(ReleaseStore.ReleaseKey release, String digest, List<String> platforms) {
    store.link(DIGEST + digest, release);
    for (String platform : platforms) {
      store.link(DIGEST + platform, release);
    }
  }

  Optional<ReleaseStore.ReleaseKey> ofDigest(String digest) {
    return store.linked(DIGEST + digest);
  }

  void markScannedEarly(String digest) {
    store.relink(EARLY_SCAN + digest, EARLY_SCAN_MARK);
  }

  boolean scannedEarly(String digest) {
    return store.linked(EARLY_SCAN + digest).isPresent();
  }

  Optional<ReleaseStore.ReleaseKey> ofDeployment(String deploymentId) {
    return store.linked(DEPLOYMENT + deploymentId);
  }

  /** The mark's name: the release id is in it, since the emulator reuses deployment ids. */
  static String endedEarlyMark(String releaseId, String deploymentId, boolean completed) {
    return EARLY_DEPLOYMENT
        + releaseId
        + "/"
        + deploymentId
        + (completed ? "/COMPLETED" : "/FAILED");
  }

  void markEndedEarly(ReleaseStore.ReleaseKey release, String deploymentId, boolean completed) {
    store.relink(endedEarlyMark(release.releaseId(), deploymentId, completed), release);
  }

  boolean endedEarly(String releaseId, String deploymentId, boolean completed) {
    return store.linked(endedEarlyMark(releaseId, deploymentId, completed)).isPresent();
  }

  /**
   * {@code inner}, recording each deployment an effect starts (a deploy, or a rollback's return) as
   * its release's before the start is applied, so ECS's events for it find the release.
   */
  EffectRunner linkingDeployments(EffectRunner inner) {
    return new EffectRunner() {
      @Override
      public EffectRunner.Outcome run(Release release, Effect effect) {
        EffectRunner.Outcome outcome = inner.run(release, effect);
        if (outcome instanceof EffectRunner.Outcome.Done done
            && done.followUp() instanceof Input.DeployStarted started
            && started.deploymentId() != null) {
          store.relink(
              DEPLOYMENT + started.deploymentId(),
              new ReleaseStore.ReleaseKey(release.service(), release.id()));
        }
        return outcome;
      }

      @Override
      public EffectRunner.Outcome runAll(Release release, List<Effect.Publish> announcements) {
        return inner.runAll(release, announcements); // announcements start no deployment
      }
    };
  }
}
