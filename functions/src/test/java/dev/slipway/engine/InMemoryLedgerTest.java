package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Release;
import org.junit.jupiter.api.Test;

/** The ledger contract on the in-memory fake the unit tests rely on. */
class InMemoryLedgerTest extends LedgerContract {
  private final InMemoryLedger ledger = new InMemoryLedger();

  @Override
  protected ReleaseLedger ledger() {
    return ledger;
  }

  @Test
  void insideAnEvent_repeatedReadsAndReadsAfterItsOwnWrites_costNoRequest() {
    Release release = LedgerContract.release("g");
    String version = ledger.create(release).orElseThrow();
    ledger.beginEvent();
    try {
      ledger.read("svc", release.id());
      ledger.read("svc", release.id());
      assertThat(ledger.releaseReads.get()).as("two reads in one event").isEqualTo(1);
      Release next = LedgerContract.withSeen(release, "e1");
      String written =
          ledger
              .replace(next, ledger.read("svc", release.id()).orElseThrow().version())
              .orElseThrow();
      var afterWrite = ledger.read("svc", release.id()).orElseThrow();
      assertThat(afterWrite.value()).isEqualTo(next);
      assertThat(afterWrite.version()).isEqualTo(written).isNotEqualTo(version);
      assertThat(ledger.releaseReads.get()).as("a read after its own write").isEqualTo(1);
      ledger.readIndex("svc");
      ledger.readIndex("svc");
      assertThat(ledger.indexReads.get()).as("an index found absent").isEqualTo(1);
      assertThat(ledger.createIndex(ServiceIndex.empty("svc"))).isTrue();
      assertThat(ledger.readIndex("svc")).isPresent();
      assertThat(ledger.indexReads.get()).as("an index this event created").isEqualTo(1);
    } finally {
      ledger.endEvent();
    }
    ledger.read("svc", release.id());
    ledger.read("svc", release.id());
    assertThat(ledger.releaseReads.get())
        .as("outside an event every read is a request")
        .isEqualTo(3);
  }
}
