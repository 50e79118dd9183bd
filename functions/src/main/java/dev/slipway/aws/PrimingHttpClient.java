package dev.slipway.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The clients' HTTP client, with one addition for SnapStart's priming (issue 19): a request that
 * carries {@link #HEADER} is answered here and never sent. The SDK still does everything else a
 * real call does (builds the client, resolves the endpoint by its rules, marshals, signs with the
 * credentials, parses the answer), so the snapshot holds all of it, while nothing reaches AWS: no
 * request IAM would have to allow, nothing in CloudTrail, no effect. Every other request goes to
 * the wrapped client untouched.
 *
 * <p>The answer is what the protocol's parser takes for a success, with content where the model is
 * large (see {@link #answer}).
 */
final class PrimingHttpClient implements SdkHttpClient {
  /** The header that marks a priming call (set per request, never sent). */
  static final String HEADER = "x-slipway-priming";

  private final SdkHttpClient delegate;
  private final AtomicInteger answered = new AtomicInteger();

  PrimingHttpClient(SdkHttpClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    SdkHttpRequest http = request.httpRequest();
    if (http.firstMatchingHeader(HEADER).isEmpty()) {
      return delegate.prepareRequest(request);
    }
    Answer answer = answer(http);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        answered.incrementAndGet();
        // the body read as a connection would send it: its signing, chunking and checksum
        // (S3's PUTs) happen as it is read
        if (request.contentStreamProvider().isPresent()) {
          try (InputStream body = request.contentStreamProvider().get().newStream()) {
            body.transferTo(OutputStream.nullOutputStream());
          }
        }
        SdkHttpResponse.Builder response =
            SdkHttpResponse.builder()
                .statusCode(answer.status())
                .putHeader("Content-Length", String.valueOf(answer.body().length));
        answer.headers().forEach(response::putHeader);
        return HttpExecuteResponse.builder()
            .response(response.build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer.body())))
            .build();
      }

      @Override
      public void abort() {
        // answered at once: nothing to abort
      }
    };
  }

  private record Answer(int status, Map<String, String> headers, byte[] body) {
    Answer(int status, Map<String, String> headers, String body) {
      this(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A build as CodeBuild describes one: its answer's model is most of a first build start. */
  private static final String BUILD =
      "{\"id\":\"slipway-priming:0\",\"arn\":\"arn:aws:codebuild:us-east-1:000000000000:build/"
          + "slipway-priming:0\",\"buildStatus\":\"IN_PROGRESS\",\"currentPhase\":\"QUEUED\","
          + "\"startTime\":1767225600.0,\"projectName\":\"slipway-priming\","
          + "\"phases\":[{\"phaseType\":\"SUBMITTED\",\"phaseStatus\":\"SUCCEEDED\","
          + "\"startTime\":1767225600.0,\"endTime\":1767225600.0,\"durationInSeconds\":0}],"
          + "\"source\":{\"type\":\"S3\",\"location\":\"slipway-priming/priming.zip\"},"
          + "\"artifacts\":{\"location\":\"slipway-priming\"},"
          + "\"environment\":{\"type\":\"ARM_CONTAINER\",\"image\":\"slipway-priming\","
          + "\"computeType\":\"BUILD_GENERAL1_SMALL\",\"environmentVariables\":[{\"name\":"
          + "\"SLIPWAY_RELEASE_ID\",\"value\":\"slipway-priming\",\"type\":\"PLAINTEXT\"}]},"
          + "\"logs\":{\"groupName\":\"slipway-priming\",\"streamName\":\"0\"},"
          + "\"timeoutInMinutes\":60,\"initiator\":\"slipway-priming\"}";

  /**
   * Answers with content, by operation ({@code X-Amz-Target}), where the answer's model is large
   * enough to matter to a first event: a build started or looked up, events put.
   */
  private static final Map<String, String> JSON_ANSWERS =
      Map.of(
          "CodeBuild_20161006.StartBuild", "{\"build\":" + BUILD + "}",
          "CodeBuild_20161006.BatchGetBuilds", "{\"builds\":[" + BUILD + "]}",
          "CodeBuild_20161006.StopBuild", "{\"build\":" + BUILD + "}",
          "AWSEvents.PutEvents", "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"0\"}]}");

  /** An object's fields as S3's listings give them. */
  private static final String OBJECT =
      "<Key>slipway-priming</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
          + "<ETag>&quot;slipway-priming&quot;</ETag><Size>2</Size>"
          + "<StorageClass>STANDARD</StorageClass>";

  /**
   * What a protocol's parser takes for a success: for the JSON protocols (CodeBuild, ECR, ECS,
   * EventBridge, SQS) one of {@link #JSON_ANSWERS}, or {@code {}}; for S3, a listing of one entry
   * or an object with its ETag, date and version; for the query protocol (CloudWatch) an error
   * document, which primes its error parser (the priming call ignores the exception).
   */
  private static Answer answer(SdkHttpRequest http) {
    String type = http.firstMatchingHeader("Content-Type").orElse("");
    // the JSON protocols name their operation in X-Amz-Target; the content type alone would take
    // S3's PUT of a JSON object (the ledger's records) for one of them
    Optional<String> target = http.firstMatchingHeader("X-Amz-Target");
    if (target.isPresent()) {
      return new Answer(
          200, Map.of("Content-Type", type), JSON_ANSWERS.getOrDefault(target.get(), "{}"));
    }
    if (type.contains("x-www-form-urlencoded")) {
      return new Answer(
          400,
          Map.of("Content-Type", "text/xml"),
          "<ErrorResponse><Error><Type>Sender</Type><Code>SlipwayPriming</Code>"
              + "<Message>answered locally: a priming call</Message></Error></ErrorResponse>");
    }
    Map<String, List<String>> query = http.rawQueryParameters();
    // listings of one entry each, so an entry's model is loaded as a real page's is
    if (query.containsKey("versions")) {
      return new Answer(
          200,
          Map.of("Content-Type", "application/xml"),
          "<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              + "<IsTruncated>false</IsTruncated><Version>"
              + OBJECT
              + "<VersionId>slipway-priming</VersionId><IsLatest>true</IsLatest></Version>"
              + "</ListVersionsResult>");
    }
    if (query.containsKey("list-type")) {
      return new Answer(
          200,
          Map.of("Content-Type", "application/xml"),
          "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              + "<IsTruncated>false</IsTruncated><Contents>"
              + OBJECT
              + "</Contents><CommonPrefixes><Prefix>slipway-priming/</Prefix></CommonPrefixes>"
              + "</ListBucketResult>");
    }
    if (http.method() != SdkHttpMethod.GET) {
      // a write's answer, or a HEAD's: no body
      return new Answer(
          200,
          Map.of("ETag", "\"slipway-priming\"", "x-amz-version-id", "slipway-priming"),
          new byte[0]);
    }
    // an object as S3 describes one: its date and version are parsed as a ledger read's are
    return new Answer(
        200,
        Map.of(
            "ETag", "\"slipway-priming\"",
            "Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT",
            "x-amz-version-id", "slipway-priming",
            "Content-Type", "application/json"),
        "{}");
  }

  /** How many priming calls were answered here. */
  int answered() {
    return answered.get();
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
