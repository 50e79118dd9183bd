package dev.slipway.engine;

import java.util.List;
import java.util.Optional;

/** The per-service indexes ({@link ServiceIndex}), written conditionally as releases are. */
public interface IndexStore {

  Optional<ReleaseStore.Versioned<ServiceIndex>> readIndex(String service);

  /** Stores a new index; false when one exists already. */
  boolean createIndex(ServiceIndex index);

  /** Replaces the index stored at {@code version}; false when it changed. */
  boolean replaceIndex(ServiceIndex index, String version);

  /** Every service with an index. */
  List<String> services();

  /**
   * The ids of every release of {@code service} whose record the ledger holds, in no particular
   * order: the whole history, which the index does not keep ({@link ServiceIndex#trimmed}). One
   * listing request per 1,000 releases: for a person's look back ({@code slipway releases --all}),
   * never for a step.
   */
  List<String> releaseIds(String service);
}
