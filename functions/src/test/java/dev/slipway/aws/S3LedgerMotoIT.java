package dev.slipway.aws;

import dev.slipway.engine.LedgerContract;
import dev.slipway.engine.ReleaseLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The ledger contract on S3 in moto: conditional PutObject over HTTP. */
class S3LedgerMotoIT extends LedgerContract {
  static MotoServer moto;
  static AwsClients aws;
  S3Ledger ledger;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    aws = moto.clients("us-east-1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (aws != null) {
      aws.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void bucket() throws Exception {
    moto.post("/moto-api/reset", "{}");
    aws.s3.createBucket(r -> r.bucket("ledger"));
    ledger = new S3Ledger(aws.s3, "ledger", "ledger/");
  }

  @Override
  protected ReleaseLedger ledger() {
    return ledger;
  }
}
