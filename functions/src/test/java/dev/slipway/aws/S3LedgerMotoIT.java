package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.LedgerContract;
import dev.slipway.engine.ReleaseLedger;
import dev.slipway.release.Release;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The ledger contract on S3 in moto: conditional PutObject over HTTP. moto checks {@code If-Match}
 * and writes later without a lock (moto/s3/responses.py, put_object), so two concurrent conditional
 * writes can both succeed there, which S3 does not allow (a CI run lost one update of 41 that way).
 * The ledger is given an S3 client that sends its writes one at a time, standing in for S3's atomic
 * check-and-write; the writers' reads, decisions and retries still interleave.
 */
class S3LedgerMotoIT extends LedgerContract {
  @RegisterExtension static final Emulator emulator = new Emulator("us-east-1");
  S3Ledger ledger;

  @BeforeEach
  void bucket() throws Exception {
    emulator.reset();
    emulator.aws().s3().createBucket(r -> r.bucket("ledger"));
    ledger = new S3Ledger(new WritesOneAtATime(emulator.aws().s3()), "ledger", "ledger/");
  }

  @Override
  protected ReleaseLedger ledger() {
    return ledger;
  }

  @Test
  void aWriteWhoseAnswerWasLost_isKnownAsItsOwn_anotherWritersIsNot() {
    // S3 stores the write and its answer is lost (a 500): the SDK retries, and the retry's
    // condition fails on the write's own object. The fault drill's lost answers did this.
    AtomicInteger answersToLose = new AtomicInteger();
    List<String> calls = new CopyOnWriteArrayList<>();
    S3Ledger lossy =
        new S3Ledger(
            new WritesOneAtATime(emulator.s3(losing(answersToLose, calls))), "ledger", "ledger/");
    Release release = release("lost");

    answersToLose.set(1);
    String created = lossy.create(release).orElseThrow();
    assertThat(calls).containsExactly("PutObject 500", "PutObject 412", "HeadObject 200");
    assertThat(ledger.read("svc", release.id()).orElseThrow().version()).isEqualTo(created);

    answersToLose.set(1);
    String replaced = lossy.replace(withSeen(release, "first"), created).orElseThrow();
    assertThat(ledger.read("svc", release.id()).orElseThrow())
        .satisfies(
            stored -> {
              assertThat(stored.version()).isEqualTo(replaced);
              assertThat(stored.value().seenEvents()).contains("first");
            });

    // Refused at the first attempt: someone else's, no look.
    calls.clear();
    assertThat(lossy.create(release)).isEmpty();
    assertThat(calls).containsExactly("PutObject 412");
    // Refused, that answer lost, and refused again: the object is still another writer's.
    calls.clear();
    answersToLose.set(1);
    assertThat(lossy.replace(withSeen(release, "second"), created)).isEmpty();
    assertThat(calls).containsExactly("PutObject 500", "PutObject 412", "HeadObject 200");
    assertThat(ledger.read("svc", release.id()).orElseThrow().value().seenEvents())
        .doesNotContain("second");
  }

  /**
   * Turns the next {@code count} PutObject answers into 500s, whatever S3 did (stored it, or
   * refused it); notes every answer.
   */
  private static ExecutionInterceptor losing(AtomicInteger count, List<String> calls) {
    return new ExecutionInterceptor() {
      @Override
      public SdkHttpResponse modifyHttpResponse(
          Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkHttpResponse answer = context.httpResponse();
        if (operation.equals("PutObject") && count.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          answer = answer.toBuilder().statusCode(500).build();
        }
        calls.add(operation + " " + answer.statusCode());
        return answer;
      }
    };
  }

  /** Delegates what the ledger uses; PutObject one at a time (see the class comment). */
  static final class WritesOneAtATime implements software.amazon.awssdk.services.s3.S3Client {
    private final software.amazon.awssdk.services.s3.S3Client s3;

    WritesOneAtATime(software.amazon.awssdk.services.s3.S3Client s3) {
      this.s3 = s3;
    }

    @Override
    public synchronized software.amazon.awssdk.services.s3.model.PutObjectResponse putObject(
        software.amazon.awssdk.services.s3.model.PutObjectRequest request,
        software.amazon.awssdk.core.sync.RequestBody body) {
      return s3.putObject(request, body);
    }

    @Override
    public software.amazon.awssdk.services.s3.model.HeadObjectResponse headObject(
        software.amazon.awssdk.services.s3.model.HeadObjectRequest request) {
      return s3.headObject(request);
    }

    @Override
    public software.amazon.awssdk.core.ResponseBytes<
            software.amazon.awssdk.services.s3.model.GetObjectResponse>
        getObjectAsBytes(software.amazon.awssdk.services.s3.model.GetObjectRequest request) {
      return s3.getObjectAsBytes(request);
    }

    @Override
    public software.amazon.awssdk.services.s3.paginators.ListObjectsV2Iterable
        listObjectsV2Paginator(
            software.amazon.awssdk.services.s3.model.ListObjectsV2Request request) {
      return s3.listObjectsV2Paginator(request);
    }

    @Override
    public String serviceName() {
      return s3.serviceName();
    }

    @Override
    public void close() {}
  }
}
