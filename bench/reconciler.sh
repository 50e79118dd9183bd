#!/usr/bin/env bash
# One reconciler tick as final releases pile up (issue 19): K = 0, 100, 500, 999, 2000, 5000 releases of
# one service, all final, each with its upload under sources/ (an hour old) and its index entry;
# nine ticks each against moto, the SDK calls counted by service and operation, the median time.
# See functions' ReconcilerScaleIT. Writes bench/results/reconciler.{json,md}. Usage: bench/reconciler.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/results/reconciler.json"
cd "$root"
mvn -q -B -Dspotless.check.skip=true verify -pl functions -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ReconcilerScaleIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dslipway.bench.reconciler=true -Dslipway.bench.out="$out" >&2
python3 - "$out" "$root/bench/results/reconciler.md" <<'PY'
import json, os, platform, sys
rows = json.load(open(sys.argv[1]))
base = rows[0]["msMedian"]
lines = ["# One reconciler tick against the final releases in the ledger", "",
         f"Machine: {os.cpu_count()} cores, {platform.machine()}; `bench/reconciler.sh` (ReconcilerScaleIT against moto, "
         "nine ticks each, median). Every release final, every upload an hour old (the lost-upload check weighs each).", "",
         "| final releases | requests a tick | by operation | ms a tick (median) | x no releases |", "|---|---|---|---|---|"]
for r in rows:
    ops = ", ".join(f"{k} {v}" for k, v in r["byOperation"].items())
    lines.append(f"| {r['finalReleases']} | {r['requests']} | {ops} | {r['msMedian']:.1f} | {r['msMedian'] / base:.2f} |")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
