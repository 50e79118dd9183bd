package dev.slipway.engine;

import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The per-service index in the ledger ({@code releases/<service>/index.json}): every release of the
 * service with its upload time and state, newest first. It is what `slipway releases` lists and
 * what the state machine reads to keep older releases from deploying over newer ones.
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
    entries.add(
        new ServiceView.Entry(
            release.id(),
            release.requestedAt(),
            release.state(),
            release.history().isEmpty() ? null : release.history().get(0).at(),
            release.history().size(),
            release.environment()));
    return new ServiceIndex(service, entries);
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
