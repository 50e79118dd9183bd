package dev.slipway.event;

import java.time.Instant;

/**
 * A release's bake is due to end at {@code at}: a delayed message Slipway sends itself to the
 * deployment step's queue when a bake starts (source {@code slipway.timer}; never on the event bus,
 * so no rule and nobody else's PutEvents can send it). Early or forged, it changes nothing: a bake
 * ends only when the clock says it is over.
 */
public record BakeTimer(EventMeta meta, String service, String releaseId, Instant at)
    implements PipelineEvent {}
