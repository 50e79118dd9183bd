package dev.slipway.engine;

import java.util.Optional;

/**
 * Where a sweep that reads one page a tick goes on from (the reconciler's listing of uploads, issue
 * 19), kept in the ledger between ticks: the instance that saved it may not see the next tick.
 * Written conditionally, as everything in the ledger is.
 */
public interface Cursors {

  /**
   * Where the sweep goes on (its listing's own marker), or from the first when {@code after} is
   * null.
   */
  record Cursor(String after) {}

  /** The cursor named {@code name} and its version; empty when none was ever saved. */
  Optional<ReleaseStore.Versioned<Cursor>> cursor(String name);

  /**
   * Saves {@code cursor} over {@code version} (null: only when none is saved); its new version, or
   * empty when another writer moved it first.
   */
  Optional<String> saveCursor(String name, Cursor cursor, String version);
}
