package dev.slipway.release;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The other releases of a service, as its index lists them: enough to enforce that an older release
 * never deploys over a newer approved or live one.
 */
public record ServiceView(String service, List<Entry> releases) {
  public static ServiceView empty(String service) {
    return new ServiceView(service, List.of());
  }

  public ServiceView {
    Objects.requireNonNull(service, "service");
    releases = List.copyOf(releases);
  }

  /**
   * One release in the index: id, upload time (its age), state, when Slipway first saw it (null in
   * records written before it was kept), and how many transitions the release had when indexed (0
   * in records written before it was kept): every state change adds one, so an entry with more
   * transitions is the newer news of that release, and an index writer holding an older copy of the
   * release leaves it alone.
   */
  public record Entry(
      String id,
      Instant requestedAt,
      ReleaseState state,
      Instant seenAt,
      int transitions,
      String environment) {
    public Entry(
        String id, Instant requestedAt, ReleaseState state, Instant seenAt, int transitions) {
      this(id, requestedAt, state, seenAt, transitions, null);
    }

    public Entry(String id, Instant requestedAt, ReleaseState state) {
      this(id, requestedAt, state, null, 0);
    }

    public Entry(String id, Instant requestedAt, ReleaseState state, Instant seenAt) {
      this(id, requestedAt, state, seenAt, 0);
    }

    /**
     * True when this entry is newer than the other: a later upload; for uploads in the same second
     * (S3's event time has no finer grain), the one Slipway saw later; then the larger id.
     */
    public boolean isNewerThan(Instant otherRequestedAt, Instant otherSeenAt, String otherId) {
      int byTime = requestedAt.compareTo(otherRequestedAt);
      if (byTime != 0) {
        return byTime > 0;
      }
      if (seenAt != null && otherSeenAt != null && !seenAt.equals(otherSeenAt)) {
        return seenAt.isAfter(otherSeenAt);
      }
      return id.compareTo(otherId) > 0;
    }
  }

  /**
   * What runs in each of {@code environments} (in order), as far as the index tells: in the last,
   * the newest LIVE release; in an earlier one, the newest release that got live there (waiting
   * there to be promoted, or promoted on past it). Environments nothing has reached are left out.
   */
  public java.util.Map<String, String> running(List<String> environments) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    int last = environments.size() - 1;
    for (int k = 0; k <= last; k++) {
      int at = k;
      releases.stream()
          .filter(
              e -> {
                int pos = e.environment() == null ? 0 : environments.indexOf(e.environment());
                if (at == last) {
                  return pos == last && e.state() == ReleaseState.LIVE;
                }
                return pos > at
                    || (pos == at
                        && (e.state() == ReleaseState.AWAITING_PROMOTION
                            || e.state() == ReleaseState.LIVE));
              })
          .max(Comparator.comparing(Entry::requestedAt).thenComparing(Entry::id))
          .ifPresent(e -> out.put(environments.get(at), e.id()));
    }
    return out;
  }

  /** When Slipway first saw {@code release}: its first transition. */
  static Instant seenAt(Release release) {
    return release.history().isEmpty() ? null : release.history().get(0).at();
  }

  /**
   * The newest release newer than {@code release} that is already in {@code environment} or past
   * it: approved, deploying, live or awaiting promotion there, or in any state in an environment
   * after it (it was live in this one to get there). Entries without an environment (records
   * written before environments were kept) are in the first.
   */
  public Optional<Entry> newerContender(Release release, String environment) {
    List<String> order =
        release.config() == null
            ? List.of()
            : release.config().path().stream().map(Stage::environment).toList();
    int target = Math.max(0, order.indexOf(environment));
    return releases.stream()
        .filter(e -> !e.id().equals(release.id()))
        .filter(
            e -> {
              int at = e.environment() == null ? 0 : Math.max(0, order.indexOf(e.environment()));
              return at > target
                  || (at == target
                      && (e.state() == ReleaseState.APPROVED
                          || e.state() == ReleaseState.DEPLOYING
                          || e.state() == ReleaseState.AWAITING_PROMOTION
                          || e.state() == ReleaseState.LIVE));
            })
        .filter(e -> e.isNewerThan(release.requestedAt(), seenAt(release), release.id()))
        .max(Comparator.comparing(Entry::requestedAt).thenComparing(Entry::id));
  }

  /** Older releases still building: a newer upload supersedes them and stops their builds. */
  public List<Entry> olderBuilding(Release release) {
    return releases.stream()
        .filter(e -> !e.id().equals(release.id()))
        .filter(e -> e.state() == ReleaseState.REQUESTED || e.state() == ReleaseState.BUILDING)
        .filter(e -> !e.isNewerThan(release.requestedAt(), seenAt(release), release.id()))
        .toList();
  }

  /** Older releases waiting in {@code environment} to be promoted. */
  public List<Entry> olderWaiting(Release release, String environment) {
    return releases.stream()
        .filter(e -> !e.id().equals(release.id()))
        .filter(e -> e.state() == ReleaseState.AWAITING_PROMOTION)
        .filter(e -> sameEnvironment(release, e.environment(), environment))
        .filter(e -> !e.isNewerThan(release.requestedAt(), seenAt(release), release.id()))
        .toList();
  }

  /** Older releases deploying (or approved to) in {@code environment}: they give way. */
  public List<Entry> olderDeploying(Release release, String environment) {
    return releases.stream()
        .filter(e -> !e.id().equals(release.id()))
        .filter(e -> e.state() == ReleaseState.DEPLOYING || e.state() == ReleaseState.APPROVED)
        .filter(e -> sameEnvironment(release, e.environment(), environment))
        .filter(e -> !e.isNewerThan(release.requestedAt(), seenAt(release), release.id()))
        .toList();
  }

  /** True when an entry's environment (null: the first) is {@code environment}. */
  private static boolean sameEnvironment(Release release, String entry, String environment) {
    String first = release.config() == null ? null : release.config().path().get(0).environment();
    String a = entry == null ? first : entry;
    String b = environment == null ? first : environment;
    return a == null || b == null || a.equals(b);
  }
}
