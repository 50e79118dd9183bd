#!/usr/bin/env bash
# Warm cost of parse + decide per event kind (issue 7, benchmark 2): JMH, 2 forks x 5 iterations of
# 2 s after 3 warm-up iterations, with parsing alone as the baseline in the same run.
# Writes bench/results/jmh.json (JMH's own format) and jmh.md. Usage: bench/jmh.sh [JMH ARGS...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -DskipTests -Dspotless.check.skip=true install -pl functions,bench/jmh -am >&2
mkdir -p bench/results
java -Dslipway.root="$root" -jar bench/jmh/target/benchmarks.jar -rf json -rff bench/results/jmh.json "$@" >&2
python3 - bench/results/jmh.json bench/results/jmh.md <<'PY'
import json, os, platform, sys
runs = json.load(open(sys.argv[1]))
by = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in runs}
base = by.get("parseOnlyEcrImageScan", {}).get("score")
lines = ["# Parse + decide per event kind (JMH)", "",
         f"Machine: {os.cpu_count()} cores, {platform.machine()}; {runs[0]['jvm']} {runs[0]['jdkVersion']}; "
         f"{runs[0]['forks']} forks x {runs[0]['measurementIterations']} iterations of {runs[0]['measurementTime']}. `bench/jmh.sh`.",
         "", "| event kind | ops/s | ± (99.9%) | µs per event | vs parsing alone |", "|---|---|---|---|---|"]
for name, m in sorted(by.items(), key=lambda kv: -kv[1]["score"]):
    ratio = f"{base / m['score']:.2f}x the time" if base else ""
    lines.append(f"| {name} | {m['score']:,.0f} | {m['scoreError']:,.0f} | {1e6 / m['score']:.1f} | {ratio} |")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
