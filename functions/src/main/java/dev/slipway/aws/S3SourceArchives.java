package dev.slipway.aws;

import dev.slipway.engine.SourceArchives;
import dev.slipway.engine.Unavailable;
import dev.slipway.release.SourceRef;
import dev.slipway.source.SourceCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Reads the exact uploaded version of a source archive from S3 and checks it. */
public record S3SourceArchives(
    Supplier<S3Client> s3, String bucket, Clock clock, long maxArchiveBytes)
    implements SourceArchives {
  public S3SourceArchives(S3Client s3, String bucket, Clock clock) {
    this(() -> s3, bucket, clock, MAX_ARCHIVE_BYTES);
  }

  public S3SourceArchives(Supplier<S3Client> s3, String bucket, Clock clock) {
    this(s3, bucket, clock, MAX_ARCHIVE_BYTES);
  }

  /** Largest archive downloaded at all; a Go service's source is a few MiB. */
  public static final long MAX_ARCHIVE_BYTES = 100L * 1024 * 1024;

  /**
   * The most versions one ListObjectVersions answers (S3's own most, asked for explicitly: moto's
   * default is 100).
   */
  static final int PAGE = 1000;

  /**
   * One ListObjectVersions under {@code sources/} (the stack's bucket is versioned: a release id
   * comes from the version id; an unversioned bucket answers "null" and the ETag counts): the
   * current version of each key. A page goes on from S3's own next markers, the version id and the
   * key in one string ({@code "<version-id> <key>"}: a version id has no space), so a key with more
   * versions than a page is gone through, not listed again.
   */
  @Override
  public UploadPage uploads(String after) throws Unavailable {
    return uploads(after, PAGE);
  }

  /** {@link #uploads(String)} with pages of {@code max} versions (a test's smaller pages). */
  UploadPage uploads(String after, int max) throws Unavailable {
    try {
      var page =
          s3.get()
              .listObjectVersions(
                  r -> {
                    r.bucket(bucket).prefix("sources/").maxKeys(max);
                    if (after != null) {
                      int space = after.indexOf(' ');
                      r.versionIdMarker(after.substring(0, space))
                          .keyMarker(after.substring(space + 1));
                    }
                  });
      List<Upload> found = new ArrayList<>();
      for (ObjectVersion v : page.versions()) {
        if (Boolean.TRUE.equals(v.isLatest()) && SourceRef.serviceOf(v.key()).isPresent()) {
          found.add(
              new Upload(
                  new SourceRef(bucket, v.key(), v.versionId(), v.eTag().replace("\"", "")),
                  v.lastModified()));
        }
      }
      return new UploadPage(
          found,
          Boolean.TRUE.equals(page.isTruncated())
              ? page.nextVersionIdMarker() + " " + page.nextKeyMarker()
              : null);
    } catch (SdkException e) {
      throw AwsErrors.unavailable(e);
    }
  }

  @Override
  public Checked check(SourceRef source) {
    try {
      // One GET (issue 19: no HEAD first): its answer's length is checked before the body is read,
      // and a body over the limit is abandoned unread (closing it aborts the transfer).
      try (ResponseInputStream<GetObjectResponse> in =
          s3.get()
              .getObject(
                  r -> r.bucket(source.bucket()).key(source.key()).versionId(source.versionId()))) {
        Long length = in.response().contentLength();
        if (length != null && length > maxArchiveBytes) {
          in.abort();
          return Checked.invalid(
              "archive is " + length + " bytes; the limit is " + maxArchiveBytes);
        }
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
