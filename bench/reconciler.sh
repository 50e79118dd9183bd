#!/usr/bin/env bash
# One reconciler tick as final releases pile up (issue 19): K = 0, 100, 500, 999, 2000, 5000 releases of
# one service, all final, each with its upload under sources/ (an hour old) and its index entry;
# then histories of 2000 and 5000 (one release every half hour, the tick a day after the last), with
# the index every release in it (as before the index was trimmed) and as the engine now writes it;
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
         "nine ticks each, median). Every release final. *Within the hour*: every upload an hour old (the lost-upload "
         "check weighs each against the index, which keeps them all). *History*: one release every half hour, the tick a "
         "day after the last upload; *whole index*: every release in it, as before the index was trimmed (issue 19). "
         "*Index write*: what each state change of a release pays for the index (read it, add an entry, write it "
         "conditionally; median of nine).", "",
         "| final releases | scenario | requests a tick | by operation | index KB | ms a tick (median) | x no releases | index write ms |",
         "|---|---|---|---|---|---|---|---|"]
for r in rows:
    ops = ", ".join(f"{k} {v}" for k, v in r["byOperation"].items())
    lines.append(f"| {r['finalReleases']} | {r['scenario']} | {r['requests']} | {ops} | {r['indexBytes'] / 1024:.1f} | "
                 f"{r['msMedian']:.1f} | {r['msMedian'] / base:.2f} | {r['indexWriteMsMedian']:.1f} |")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
