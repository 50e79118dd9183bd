package dev.slipway.aws;

import dev.slipway.engine.SourceArchives;
import dev.slipway.release.SourceRef;
import dev.slipway.source.SourceCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Reads the exact uploaded version of a source archive from S3 and checks it. */
public record S3SourceArchives(S3Client s3, Clock clock) implements SourceArchives {
  /** Largest archive downloaded at all; a Go service's source is a few MiB. */
  public static final long MAX_ARCHIVE_BYTES = 100L * 1024 * 1024;

  @Override
  public Checked check(SourceRef source) {
    try {
      HeadObjectResponse head =
          s3.headObject(
              r -> r.bucket(source.bucket()).key(source.key()).versionId(source.versionId()));
      if (head.contentLength() > MAX_ARCHIVE_BYTES) {
        return Checked.invalid(
            "archive is " + head.contentLength() + " bytes; the limit is " + MAX_ARCHIVE_BYTES);
      }
      try (InputStream in =
          s3.getObject(
              r -> r.bucket(source.bucket()).key(source.key()).versionId(source.versionId()))) {
        return SourceCheck.check(
            in,
            source.key(),
            source.releaseId(),
            clock.instant().atZone(ZoneOffset.UTC).toLocalDate());
      }
    } catch (NoSuchKeyException e) {
      return Checked.invalid("s3://" + source.bucket() + "/" + source.key() + " no longer exists");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read s3://" + source.bucket() + "/" + source.key(), e);
    } catch (SdkException e) {
      if (e instanceof S3Exception s3e && s3e.statusCode() == 404) {
        return Checked.invalid(
            "s3://" + source.bucket() + "/" + source.key() + " no longer exists");
      }
      throw e;
    }
  }
}
