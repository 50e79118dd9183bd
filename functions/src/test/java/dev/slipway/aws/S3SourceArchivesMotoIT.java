package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.SourceArchives;
import dev.slipway.release.SourceRef;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * An upload's archive is read with one GetObject against S3 in moto (issue 19: no HeadObject
 * first), and one over the limit is refused by the answer's length, naming it, before its body is
 * read. The reconciler's listing of uploads goes a page at a time, each current version once.
 */
class S3SourceArchivesMotoIT {
  @RegisterExtension static final Emulator emulator = new Emulator("us-east-1");

  final List<String> operations = new CopyOnWriteArrayList<>();
  S3Client s3;

  @BeforeEach
  void bucket() throws Exception {
    emulator.reset();
    s3 =
        emulator.s3(
            new ExecutionInterceptor() {
              @Override
              public void afterExecution(
                  Context.AfterExecution context, ExecutionAttributes attributes) {
                operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
              }
            });
    s3.createBucket(r -> r.bucket("sources"));
  }

  private SourceRef upload(byte[] body) {
    String key = "sources/hello-go/v1.zip";
    PutObjectResponse put =
        s3.putObject(r -> r.bucket("sources").key(key), RequestBody.fromBytes(body));
    operations.clear();
    return new SourceRef("sources", key, put.versionId(), put.eTag().replace("\"", ""));
  }

  @Test
  void anArchiveOverTheLimit_isRefusedByItsLength_inOneRequest() {
    SourceRef source = upload(new byte[3000]);

    SourceArchives.Checked checked =
        new S3SourceArchives(() -> s3, "sources", Clock.systemUTC(), 1024).check(source);

    assertThat(checked.invalidReason()).isEqualTo("archive is 3000 bytes; the limit is 1024");
    assertThat(operations).containsExactly("GetObject");
  }

  @Test
  void anArchiveUnderTheLimit_isReadAndChecked_inOneRequest() {
    SourceRef source = upload(new byte[3000]);

    SourceArchives.Checked checked =
        new S3SourceArchives(s3, "sources", Clock.systemUTC()).check(source);

    // Read through: 3,000 zero bytes are no zip, which the archive check (not the size) says.
    assertThat(checked.invalidReason()).isNotNull().doesNotContain("the limit is");
    assertThat(operations).containsExactly("GetObject");
  }

  @Test
  void anArchiveGoneSinceItsEvent_isNamedAsGone() {
    SourceRef source = upload(new byte[10]);
    s3.deleteObject(r -> r.bucket("sources").key(source.key()).versionId(source.versionId()));

    assertThat(new S3SourceArchives(s3, "sources", Clock.systemUTC()).check(source).invalidReason())
        .isEqualTo("s3://sources/sources/hello-go/v1.zip no longer exists");
  }

  @Test
  void theUploadsListing_goesAPageAtATime_eachCurrentVersionOnce_overwrittenOnesAndOthersNot()
      throws Exception {
    s3.putBucketVersioning(
        r -> r.bucket("sources").versioningConfiguration(v -> v.status("Enabled")));
    java.util.Map<String, String> current = new java.util.TreeMap<>();
    for (String key :
        List.of(
            "sources/a/1.zip",
            "sources/a/2.zip",
            "sources/a/2.zip",
            "sources/a/2.zip",
            "sources/b/1.zip",
            "sources/b/2.zip",
            "sources/c/1.zip")) {
      current.put(
          key,
          s3.putObject(r -> r.bucket("sources").key(key), RequestBody.fromBytes(new byte[1]))
              .versionId());
    }
    s3.putObject(r -> r.bucket("sources").key("ledger/x.json"), RequestBody.fromBytes(new byte[1]));
    s3.putObject(
        r -> r.bucket("sources").key("sources/loose.zip"), RequestBody.fromBytes(new byte[1]));
    S3SourceArchives archives = new S3SourceArchives(s3, "sources", Clock.systemUTC());
    operations.clear();

    java.util.Map<String, String> listed = new java.util.TreeMap<>();
    List<String> afters = new java.util.ArrayList<>();
    String after = null;
    do {
      SourceArchives.UploadPage page = archives.uploads(after, 2);
      for (SourceArchives.Upload upload : page.uploads()) {
        assertThat(listed.put(upload.source().key(), upload.source().versionId()))
            .as("listed once: " + upload.source().key())
            .isNull();
      }
      after = page.next();
      afters.add(after);
    } while (after != null && afters.size() < 20);

    assertThat(listed)
        .as("the current versions, no older one, nothing outside a service")
        .isEqualTo(current);
    assertThat(afters).hasSizeGreaterThan(2).last().isNull();
    assertThat(operations).hasSize(afters.size()).containsOnly("ListObjectVersions");
    SourceArchives.UploadPage whole = archives.uploads(null);
    assertThat(whole.uploads()).hasSize(5);
    assertThat(whole.next()).as("S3's page of 1,000 holds them all").isNull();
  }
}
