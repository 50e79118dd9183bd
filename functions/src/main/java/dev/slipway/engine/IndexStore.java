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
}
