package dev.slipway.aws;

import dev.slipway.engine.LedgerContract;
import dev.slipway.engine.ReleaseLedger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

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
