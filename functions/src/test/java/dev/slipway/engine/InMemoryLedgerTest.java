package dev.slipway.engine;

/** The ledger contract on the in-memory fake the unit tests rely on. */
class InMemoryLedgerTest extends LedgerContract {
  private final InMemoryLedger ledger = new InMemoryLedger();

  @Override
  protected ReleaseLedger ledger() {
    return ledger;
  }
}
