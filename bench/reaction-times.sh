#!/usr/bin/env bash
# Reaction times in `slipway local` (issue 16): bake end to LIVE (the bake timer) and a service
# alarm entering ALARM to the rollback started, over N rounds (default 5) of one good release
# (bake 7 s) and one that answers 500 during its bake. See ReactionTimesIT.
# Writes bench/results/reaction-times.json and .md. Usage: bench/reaction-times.sh [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-5}"
out="$root/bench/results/reaction-times.json"
cd "$root"
mvn -q -B -DskipTests -Dspotless.check.skip=true install -pl functions,toolchain,local,cli -am >&2
mvn -q -B -Dspotless.check.skip=true verify -pl infra-cdk \
  -Dtest=PipelineStackTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ReactionTimesIT -Dslipway.bench.reactions=true -Dslipway.bench.releases="$n" \
  -Dslipway.bench.out="$out" >&2
python3 - "$out" "$root/bench/results" <<'PY'
import json, os, platform, statistics, sys
d = json.load(open(sys.argv[1]))
def stats(rows, key):
    v = sorted(r[key] for r in rows)
    return statistics.median(v), v[-1]
bm, bx = stats(d["bakes"], "bakeEndToLiveSeconds")
am, ax = stats(d["alarms"], "alarmToRollbackStartedSeconds")
lines = ["# Reaction times (slipway local)", "",
         f"Machine: {os.cpu_count()} cores, {platform.machine()}; {len(d['bakes'])} rounds; `bench/reaction-times.sh`.", "",
         "| reaction | median s | max s | what ends it |", "|---|---|---|---|",
         f"| bake end to LIVE | {bm:.3f} | {bx:.3f} | the bake timer (a delayed message), causes: {sorted(set(r['cause'].split(':')[0] for r in d['bakes']))} |",
         f"| alarm in ALARM to rollback started | {am:.3f} | {ax:.3f} | the alarm's state-change event |", "",
         "Before issue 16 both waited for the reconciler's tick (5 s locally, 5 minutes on AWS)."]
open(os.path.join(sys.argv[2], "reaction-times.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
