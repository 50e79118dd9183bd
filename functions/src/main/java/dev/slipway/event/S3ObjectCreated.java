package dev.slipway.event;

/**
 * An object was written to S3 (EventBridge "Object Created", or a classic {@code ObjectCreated:*}
 * record). {@code key} is the real key: classic notifications URL-encode it and the parser decodes
 * it. {@code versionId} is null on unversioned buckets; {@code reason} is the API that wrote the
 * object ({@code PutObject}, {@code CopyObject}, {@code CompleteMultipartUpload}, ...).
 */
public record S3ObjectCreated(
    EventMeta meta,
    String bucket,
    String key,
    Long size,
    String etag,
    String versionId,
    String reason)
    implements PipelineEvent {}
