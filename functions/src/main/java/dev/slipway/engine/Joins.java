package dev.slipway.engine;

import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The join keys of architecture §3, in one place: which release an image digest (index or platform)
 * and an ECS deployment belong to, and the marks an event that came before what it joins leaves for
 * later (a scan before its push, a deployment's end before its start). Stored through {@link
 * JoinKeys} (the ledger's {@code links/}).
 */
final class Joins {
  /** The event id a scan applied from its early mark carries. */
  static final String EARLY_SCAN = "early-scan/";

  private static final String DIGEST = "digest/";
  private static final String DEPLOYMENT = "deployment/";

  /** The mark an ECS deployment that ended before its start was recorded leaves. */
  private static final String EARLY_DEPLOYMENT = "early-deployment/";

  /**
   * What a scan that ended before its image's push was handled leaves at the digest's own join key
   * (issue 19: the mark and the link are one key, so whichever of the scan's handler and the push's
   * writes second learns of the other from its own conditional write's refusal, with no read of a
   * separate mark in the usual order, push first). Never a release: {@link #ofDigest} skips it.
   */
  private static final ReleaseStore.ReleaseKey EARLY_SCAN_MARK =
      new ReleaseStore.ReleaseKey("-", "scan ended before the push was handled");

  private final JoinKeys store;

  Joins(JoinKeys store) {
    this.store = store;
  }

  /**
   * The image {@code digest} and its platform images are {@code release}'s. Returns the digests
   * whose join key was already held (by a scan's early mark, an earlier delivery of this push, or
   * another release): only those are worth a look ({@link #scannedEarly}).
   */
  List<String> image(ReleaseStore.ReleaseKey release, String digest, List<String> platforms) {
    List<String> held = new ArrayList<>();
    List<String> all = new ArrayList<>(platforms);
    all.add(0, digest);
    for (String d : all) {
      if (!store.link(DIGEST + d, release)) {
        held.add(d);
      }
    }
    return held;
  }

  /** The release {@code digest} is linked to; empty when none is, or a scan's mark holds it. */
  Optional<ReleaseStore.ReleaseKey> ofDigest(String digest) {
    return store.linked(DIGEST + digest).filter(k -> !k.equals(EARLY_SCAN_MARK));
  }

  /**
   * Leaves a scan's mark at {@code digest}'s join key, unless something holds it already: true when
   * the mark was written (the push's link, when it comes, finds it), false when the key was taken
   * in between (look again: most likely the push's link).
   */
  boolean markScannedEarly(String digest) {
    return store.link(DIGEST + digest, EARLY_SCAN_MARK);
  }

  /** True when {@code digest}'s join key holds a scan's mark (a read: only for a held key). */
  boolean scannedEarly(String digest) {
    return store.linked(DIGEST + digest).filter(EARLY_SCAN_MARK::equals).isPresent();
  }

  /** Hands a digest a scan's mark held to {@code release}, once the scan is applied to it. */
  void takeOverMark(ReleaseStore.ReleaseKey release, String digest) {
    store.relink(DIGEST + digest, release);
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
   * {@code inner}, recording each deployment a return's redeploy starts as its release's before the
   * start is applied, so ECS's events for it find the release. A release's own deploy is found by
   * the service index instead (it is the one deploying in its environment; issue 19: no link).
   */
  EffectRunner linkingDeployments(EffectRunner inner) {
    return new EffectRunner() {
      @Override
      public EffectRunner.Outcome run(Release release, Effect effect) {
        EffectRunner.Outcome outcome = inner.run(release, effect);
        if (!(effect instanceof Effect.Deploy)
            && outcome instanceof EffectRunner.Outcome.Done done
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
