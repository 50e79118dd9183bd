package dev.slipway.aws;

import dev.slipway.engine.ObjectLedger;
import dev.slipway.engine.ReleaseEngine;
import dev.slipway.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The release ledger in S3: {@code releases/<service>/<id>.json}, {@code
 * releases/<service>/index.json} and {@code links/<key>.json}, written with S3's conditional
 * requests ({@code If-None-Match: *} to create, {@code If-Match: <etag>} to replace), so two
 * writers cannot both win. A precondition failure (412) or a concurrent-write conflict (409) is the
 * answer "someone else wrote first", not an error.
 */
public final class S3Ledger extends ObjectLedger {
  private final Supplier<S3Client> s3;
  private final String bucket;
  private final String prefix;

  public S3Ledger(S3Client s3, String bucket, String prefix) {
    this(() -> s3, bucket, prefix);
  }

  /** With the client built when first called (a handler's cold start builds only what it calls). */
  public S3Ledger(Supplier<S3Client> s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  @Override
  protected <T> Optional<Versioned<T>> get(String key, Class<T> type) {
    return object(prefix + key, type);
  }

  private <T> Optional<Versioned<T>> object(String key, Class<T> type) {
    try {
      ResponseBytes<GetObjectResponse> bytes =
          s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key));
      return Optional.of(
          new Versioned<>(
              Json.mapper().readValue(bytes.asByteArray(), type), bytes.response().eTag()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("s3://" + bucket + "/" + key + " is not a ledger record", e);
    } catch (SdkException e) {
      throw translated(e);
    }
  }

  /**
   * S3's errors as the ledger's callers know them: transient ones are {@link
   * ReleaseEngine.RetryLater} (the event comes again), others refused for good, with S3's reason.
   */
  private RuntimeException translated(SdkException e) {
    String reason = "ledger s3://" + bucket + "/" + prefix + ": " + AwsErrors.reason(e);
    return AwsErrors.isTransient(e)
        ? new ReleaseEngine.RetryLater(reason)
        : new IllegalStateException(reason);
  }

  /** The stored object's ETag, or empty when the condition failed. */
  @Override
  protected Optional<String> put(String key, Object value, String ifMatch) {
    return putObject(prefix + key, value, ifMatch);
  }

  private Optional<String> putObject(String key, Object value, String ifMatch) {
    byte[] body;
    try {
      body = Json.mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String token = UUID.randomUUID().toString();
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .contentType("application/json")
            .metadata(Map.of(WRITE_TOKEN, token));
    request = ifMatch == null ? request.ifNoneMatch("*") : request.ifMatch(ifMatch);
    try {
      String etag = s3.get().putObject(request.build(), RequestBody.fromBytes(body)).eTag();
      // S3 always answers a PUT with the ETag; without one, the next write must read first.
      return Optional.of(etag == null ? "" : etag);
    } catch (S3Exception e) {
      if (e.statusCode() == 412
          || e.statusCode() == 409
          || (ifMatch != null && e.statusCode() == 404)) {
        return e.numAttempts() != null && e.numAttempts() > 1
            ? earlierAttempt(key, token)
            : Optional.empty();
      }
      throw translated(e);
    } catch (SdkException e) {
      throw translated(e);
    }
  }

  /**
   * The object metadata naming the write that stored a ledger object ({@code x-amz-meta-…}): one
   * random token per write, the same on each of the SDK's attempts of it.
   */
  static final String WRITE_TOKEN = "slipway-write";

  /**
   * A write refused after the SDK retried it: an earlier attempt may have landed and its answer
   * been lost (a 500 or a broken connection after S3 stored it), so the retry's condition failed on
   * this write's own object. When the stored object carries this write's token it is this write's:
   * its ETag, as the lost answer would have given. Otherwise someone else wrote first. One HEAD,
   * only after a retried write is refused; without it the writer took its own write for another's
   * and, having claimed effects in it, waited for the claims to expire (the fault drill found a
   * release its own create left out of the index that way).
   */
  private Optional<String> earlierAttempt(String key, String token) {
    try {
      HeadObjectResponse head =
          s3.get().headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build());
      return token.equals(head.metadata().get(WRITE_TOKEN))
          ? Optional.of(head.eTag())
          : Optional.empty();
    } catch (NoSuchKeyException e) { // the SDK's answer to a HEAD's 404
      return Optional.empty();
    } catch (SdkException e) {
      throw translated(e);
    }
  }

  @Override
  public boolean link(String key, ReleaseKey release) {
    // First writer wins, by the write's own condition (If-None-Match: *): a join key belongs to
    // one release, and a link already there answers 412, which is that (issue 19: no read first).
    return putObject(prefix + "links/" + key + ".json", release, null).isPresent();
  }

  @Override
  public void relink(String key, ReleaseKey release) {
    try {
      s3.get()
          .putObject(
              r ->
                  r.bucket(bucket)
                      .key(prefix + "links/" + key + ".json")
                      .contentType("application/json"),
              RequestBody.fromBytes(Json.mapper().writeValueAsBytes(release)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SdkException e) {
      throw translated(e);
    }
  }

  @Override
  public Optional<ReleaseKey> linked(String key) {
    return object(prefix + "links/" + key + ".json", ReleaseKey.class).map(Versioned::value);
  }

  @Override
  public List<String> services() {
    return listed(prefix + "releases/", true);
  }

  @Override
  public List<String> releaseIds(String service) {
    return listed(prefix + "releases/" + service + "/", false).stream()
        .filter(name -> name.endsWith(".json") && !name.equals("index.json"))
        .map(name -> name.substring(0, name.length() - ".json".length()))
        .toList();
  }

  /**
   * The names one level below {@code under} (one {@code ListObjectsV2} per 1,000, by the "/"
   * delimiter): its folders' names when {@code folders}, else its objects' names.
   */
  private List<String> listed(String under, boolean folders) {
    List<String> names = new ArrayList<>();
    try {
      for (var page :
          s3.get().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(under).delimiter("/"))) {
        if (folders) {
          for (CommonPrefix common : page.commonPrefixes()) {
            names.add(common.prefix().substring(under.length(), common.prefix().length() - 1));
          }
        } else {
          for (S3Object object : page.contents()) {
            names.add(object.key().substring(under.length()));
          }
        }
      }
    } catch (SdkException e) {
      throw translated(e);
    }
    return names;
  }
}
