package dev.slipway.engine;

/**
 * Where the pipeline keeps what it knows (S3 in AWS): the release records, the per-service indexes
 * the join keys and the sweeps' cursors, ports a component or a test fake can take one at a time.
 * One store holds all of them, so the composition roots pass it whole.
 */
public interface ReleaseLedger extends ReleaseStore, IndexStore, JoinKeys, Cursors {

  /**
   * One event's handling starts on this thread: until {@link #endEvent}, a store may answer a
   * repeated read of a record or an index from this event's own last read or write of it (every
   * write stays conditional on the version, so a stale copy fails its write and is read again).
   */
  default void beginEvent() {}

  /** The event's handling is over: every read goes to the store again. */
  default void endEvent() {}

  /**
   * Within this event, takes the record of {@code releaseId} as absent without reading it: for a
   * release whose id is new by construction (an upload's own version), whose create is conditional
   * on absence anyway. Should the record exist, the create fails, which forgets the assumption, and
   * the engine reads it and decides again, as after any stale read. Outside an event, nothing.
   */
  default void assumeAbsent(String service, String releaseId) {}
}
