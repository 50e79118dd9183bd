package dev.slipway.engine;

/**
 * Where the pipeline keeps what it knows (S3 in AWS): the release records, the per-service indexes
 * and the join keys, three ports a component or a test fake can take one at a time. One store holds
 * all three, so the composition roots pass it whole.
 */
public interface ReleaseLedger extends ReleaseStore, IndexStore, JoinKeys {

  /**
   * One event's handling starts on this thread: until {@link #endEvent}, a store may answer a
   * repeated read of a record or an index from this event's own last read or write of it (every
   * write stays conditional on the version, so a stale copy fails its write and is read again).
   */
  default void beginEvent() {}

  /** The event's handling is over: every read goes to the store again. */
  default void endEvent() {}
}
