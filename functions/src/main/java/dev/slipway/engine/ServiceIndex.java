package dev.slipway.engine;

import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The per-service index in the ledger ({@code releases/<service>/index.json}): the service's
 * releases with their upload times and states, newest first. It is what `slipway releases` lists,
 * what the state machine reads to keep older releases from deploying over newer ones, and how the
 * reconciler finds the open releases.
 *
 * <p>It does not keep every release (issue 19): each step of a release reads it and each state
 * change rewrites it whole, so an index of the whole history would make every step, and every
 * reconciler tick, cost more with each release ever made (a year at 20 releases a day: 7,300
 * entries, about 1.2 MB a write). Each write keeps (see {@link #trimmed}): every open release;
 * every release uploaded within {@link #KEPT_FOR} of the newest (the reconciler's lost-upload sweep
 * looks a day back and tells uploads that have a release by the index); the newest {@link
 * #KEPT_NEWEST}; and in each environment the newest release there and the newest {@link #KEPT_LIVE}
 * live ones (what runs, what a newer release must not be deployed under, and what a rollback may
 * return to). Every decision the state machine takes from the index is the same on the trimmed
 * index as on the whole one ({@code ServiceIndexTest}). The records of the releases left out stay
 * in the ledger: {@code slipway status <id>} still shows each.
 */
public record ServiceIndex(String service, List<ServiceView.Entry> releases) {
  public ServiceIndex {
    Objects.requireNonNull(service, "service");
    List<ServiceView.Entry> sorted = new ArrayList<>(releases);
    sorted.sort(
        Comparator.comparing(ServiceView.Entry::requestedAt)
            .thenComparing(
                ServiceView.Entry::seenAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ServiceView.Entry::id)
            .reversed());
    releases = List.copyOf(sorted);
  }

  /** How long after the newest upload every release stays in the index, final or not. */
  public static final Duration KEPT_FOR = Duration.ofDays(2);

  /** How many of the newest releases the index keeps, whatever their age or state. */
  public static final int KEPT_NEWEST = 100;

  /** How many live releases the index keeps in each environment (a rollback's choices). */
  public static final int KEPT_LIVE = 10;

  public static ServiceIndex empty(String service) {
    return new ServiceIndex(service, List.of());
  }

  public ServiceView view() {
    return new ServiceView(service, releases);
  }

  /**
   * This index with {@code release}'s entry added or brought up to date; unchanged when the index
   * already shows a later state of it (more transitions: {@code release} is a stale copy).
   */
  public ServiceIndex with(Release release) {
    if (showsLaterThan(release)) {
      return this;
    }
    List<ServiceView.Entry> entries = new ArrayList<>();
    for (ServiceView.Entry e : releases) {
      if (!e.id().equals(release.id())) {
        entries.add(e);
      }
    }
    entries.add(entryOf(release));
    return new ServiceIndex(service, entries).trimmed();
  }

  /** {@code release}'s entry in an index. */
  public static ServiceView.Entry entryOf(Release release) {
    return new ServiceView.Entry(
        release.id(),
        release.requestedAt(),
        release.state(),
        release.history().isEmpty() ? null : release.history().get(0).at(),
        release.history().size(),
        release.environment());
  }

  /**
   * This index without the final releases no decision needs (see the class comment): it keeps the
   * open ones, those uploaded within {@link #KEPT_FOR} of the newest, the newest {@link
   * #KEPT_NEWEST}, and in each environment the newest one and the newest {@link #KEPT_LIVE} live.
   * An index written before it was trimmed is trimmed at its next write.
   */
  public ServiceIndex trimmed() {
    if (releases.size() <= KEPT_NEWEST) {
      return this;
    }
    Instant since = releases.get(0).requestedAt().minus(KEPT_FOR);
    Set<String> environments = new HashSet<>();
    Map<String, Integer> live = new HashMap<>();
    List<ServiceView.Entry> kept = new ArrayList<>();
    for (int i = 0; i < releases.size(); i++) { // newest first
      ServiceView.Entry e = releases.get(i);
      String environment = String.valueOf(e.environment()); // "null": records before environments
      boolean newestThere = environments.add(environment);
      boolean recentLive =
          e.state() == ReleaseState.LIVE && live.merge(environment, 1, Integer::sum) <= KEPT_LIVE;
      if (i < KEPT_NEWEST
          || !e.state().isFinal()
          || !e.requestedAt().isBefore(since)
          || newestThere
          || recentLive) {
        kept.add(e);
      }
    }
    return kept.size() == releases.size() ? this : new ServiceIndex(service, kept);
  }

  /**
   * True when the index already shows {@code release} in its current state, or a later one (so
   * there is nothing to write for this copy of it).
   */
  public boolean shows(Release release) {
    return showsLaterThan(release)
        || releases.stream()
            .anyMatch(
                e ->
                    e.id().equals(release.id())
                        && e.state() == release.state()
                        && Objects.equals(e.environment(), release.environment()));
  }

  private boolean showsLaterThan(Release release) {
    return releases.stream()
        .anyMatch(e -> e.id().equals(release.id()) && e.transitions() > release.history().size());
  }

  /** The releases deploying now: one per environment at most. */
  public List<ServiceView.Entry> deploying() {
    return releases.stream().filter(e -> e.state() == ReleaseState.DEPLOYING).toList();
  }
}
