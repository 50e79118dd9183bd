package dev.slipway.engine;

/**
 * Where the pipeline keeps what it knows (S3 in AWS): the release records, the per-service indexes
 * and the join keys, three ports a component or a test fake can take one at a time. One store holds
 * all three, so the composition roots pass it whole.
 */
public interface ReleaseLedger extends ReleaseStore, IndexStore, JoinKeys {}
