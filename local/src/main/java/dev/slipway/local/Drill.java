package dev.slipway.local;

/**
 * How the local runtime misbehaves on purpose, for the load and fault drills (all off by default).
 *
 * @param instant builds and tasks are answered at once (no Go, no processes): the engine and the
 *     emulator are what is measured
 * @param faultRate the share of calls to the emulator that fail: before moto sees them (500, 503
 *     SlowDown, throttling, a slow answer) or after moto applied them (the answer lost)
 * @param dropRate the share of recoverable events (build ends, scans) the dispatcher drops
 *     unhandled, for the reconciler to recover
 * @param stuckAfterSeconds when the reconciler asks AWS about a release that has not moved
 * @param seed makes the faults and drops repeatable
 */
public record Drill(
    boolean instant, double faultRate, double dropRate, int stuckAfterSeconds, long seed) {
  public static final Drill NONE = new Drill(false, 0, 0, 900, 0);
}
