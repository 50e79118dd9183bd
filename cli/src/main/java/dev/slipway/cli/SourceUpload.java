package dev.slipway.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads a packed source archive. Up to {@link #PART_BYTES} it is one PUT; above, an S3 multipart
 * upload of {@link #PART_BYTES} parts, each given its own time (a part of a 100 MiB archive on a
 * slow link must not fail on the 10-second attempt limit the other calls keep) and tried up to
 * {@link #ATTEMPTS} times, so a dropped connection costs one part, not the whole archive. A failed
 * upload is aborted: no parts are left behind to be billed, and no object (so no release) appears.
 * The release starts when the whole object exists: S3 sends its "Object Created" event (reason
 * CompleteMultipartUpload) only then.
 */
final class SourceUpload {
  /** Part size; S3's smallest allowed is 5 MiB for every part but the last. */
  static final int PART_BYTES = 8 * 1024 * 1024;

  static final int ATTEMPTS = 4;

  private static final AwsRequestOverrideConfiguration PATIENT =
      AwsRequestOverrideConfiguration.builder()
          .apiCallTimeout(Duration.ofMinutes(5))
          .apiCallAttemptTimeout(Duration.ofMinutes(2))
          .build();

  /** What S3 answered: the object's ETag (without quotes) and version, and how many parts. */
  record Uploaded(String etag, String versionId, int parts) {}

  /** Something went wrong between tries: how to wait before the next (a test waits less). */
  interface Pause {
    void sleep(Duration d) throws InterruptedException;
  }

  private SourceUpload() {}

  static Uploaded put(
      S3Client s3,
      String bucket,
      String key,
      String contentType,
      Map<String, String> metadata,
      byte[] archive,
      Pause pause)
      throws InterruptedException {
    if (archive.length <= PART_BYTES) {
      var put =
          s3.putObject(
              r ->
                  r.bucket(bucket)
                      .key(key)
                      .contentType(contentType)
                      .metadata(metadata)
                      .overrideConfiguration(PATIENT),
              RequestBody.fromBytes(archive));
      return new Uploaded(unquote(put.eTag()), put.versionId(), 1);
    }
    String uploadId =
        s3.createMultipartUpload(
                r -> r.bucket(bucket).key(key).contentType(contentType).metadata(metadata))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (int offset = 0, number = 1; offset < archive.length; offset += PART_BYTES, number++) {
        int length = Math.min(PART_BYTES, archive.length - offset);
        byte[] part = new byte[length];
        System.arraycopy(archive, offset, part, 0, length);
        int partNumber = number;
        String etag = null;
        for (int attempt = 1; etag == null; attempt++) {
          try {
            etag =
                s3.uploadPart(
                        r ->
                            r.bucket(bucket)
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(partNumber)
                                .contentLength((long) length)
                                .overrideConfiguration(PATIENT),
                        RequestBody.fromBytes(part))
                    .eTag();
          } catch (SdkException e) {
            if (attempt >= ATTEMPTS) {
              throw e;
            }
            pause.sleep(Duration.ofSeconds(1L << attempt)); // 2, 4, 8 s
          }
        }
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      var done =
          s3.completeMultipartUpload(
              r ->
                  r.bucket(bucket)
                      .key(key)
                      .uploadId(uploadId)
                      .multipartUpload(m -> m.parts(parts))
                      .overrideConfiguration(PATIENT));
      return new Uploaded(unquote(done.eTag()), done.versionId(), parts.size());
    } catch (SdkException | InterruptedException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException ignored) {
        // S3 drops it anyway after the bucket's lifecycle rule; the upload's own error is the news
      }
      throw e;
    }
  }

  private static String unquote(String etag) {
    return etag == null ? null : etag.replace("\"", "");
  }
}
