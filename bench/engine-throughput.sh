#!/usr/bin/env bash
# Engine throughput and the loss drills (issue 7): N services, one release each, uploaded at once
# into `slipway local` with builds and tasks answered instantly (so the engine, the ledger and the
# emulator are what is under load), then the same with injected faults: 3% of emulator calls
# failing (500, throttling, 2 s stalls, answers lost after moto applied the call), 5% of the
# recoverable events dropped, and the dispatcher killed and restarted every 5 to 15 s. Both runs check
# that nothing was lost or done twice (see LoadDrillIT) and fail otherwise.
#
# Writes bench/results/engine-throughput.json and .md. Usage: bench/engine-throughput.sh [N [FAULT_N]]
# (N default 200, FAULT_N default N; CI runs both with 30 and 20: see LoadDrillIT).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-200}"
fault_n="${2:-$n}"
results="$root/bench/results"
mkdir -p "$results"
out="$results/engine-throughput.json"
rm -f "$out"
cd "$root"
mvn -q -B -DskipTests -Dspotless.check.skip=true install -pl functions,toolchain,local,cli -am >&2
mvn -q -B -Dspotless.check.skip=true verify -pl infra-cdk \
  -Dtest=PipelineStackTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=LoadDrillIT -Dslipway.drill.releases="$n" -Dslipway.drill.faultReleases="$fault_n" \
  -Dslipway.bench.out="$out" >&2
python3 - "$out" "$results/engine-throughput.md" <<'PY'
import json, sys, platform, os
d = json.load(open(sys.argv[1]))
lines = [
    "# Engine throughput and loss drills",
    "",
    f"Machine: {os.cpu_count()} cores, {platform.machine()}; `bench/engine-throughput.sh`.",
    "",
    "| run | releases | wall s | releases/s | events/s | median s to LIVE | faults injected | events dropped | dispatcher restarts | lost or doubled |",
    "|---|---|---|---|---|---|---|---|---|---|",
]
for name, r in d.items():
    c = r["counters"]
    faults = {k: v for k, v in c.items() if k not in ("eventsHandled", "eventsDropped", "dispatcherRestarts")}
    lines.append(
        f"| {name} | {r['releases']} | {r['seconds']:.1f} | {r['releasesPerSecond']:.2f} | "
        f"{r['eventsPerSecond']:.1f} | {r['checks']['medianSecondsFromRequested'].get('LIVE', 0):.1f} | "
        f"{sum(faults.values())} {faults} | {c.get('eventsDropped', 0)} | {c.get('dispatcherRestarts', 0)} | none (checks passed) |"
    )
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
