#!/usr/bin/env bash
# Pipeline overhead of a real release in `slipway local` (issue 7, benchmark 3): N releases of
# hello-go one after another (default 20, after one warm-up), each timed from its accepted upload to
# LIVE, minus what Slipway waits for: the compile build and the image build (CodeBuild's start/end
# times; locally the scan runs inside the image build), the rollout (ledger: deployment started to
# ECS's completed event) and the bake (zero here). See PipelineOverheadIT.
# Writes bench/results/pipeline-overhead.json, .md and .png. Usage: bench/pipeline-overhead.sh [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-20}"
out="$root/bench/results/pipeline-overhead.json"
cd "$root"
if [ "${SLIPWAY_BENCH_SUMMARIZE_ONLY:-}" != 1 ]; then  # 1: write the tables again from the JSON
mvn -q -B -DskipTests -Dspotless.check.skip=true install -pl functions,toolchain,local,cli -am >&2
mvn -q -B -Dspotless.check.skip=true verify -pl infra-cdk \
  -Dtest=PipelineStackTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=PipelineOverheadIT -Dslipway.bench.overhead=true -Dslipway.bench.releases="$n" \
  -Dslipway.bench.out="$out" >&2
fi
python3 - "$out" "$root/bench/results" <<'PY'
import json, os, platform, statistics, sys
d = json.load(open(sys.argv[1]))
rows = d["rows"]
def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
keys = ["totalSeconds", "compileSeconds", "imageAndScanSeconds", "rolloutSeconds", "bakeSeconds", "overheadSeconds"]
stats = {k: {"median": statistics.median(r[k] for r in rows), "p95": pct([r[k] for r in rows], 95),
             "max": max(r[k] for r in rows)} for k in keys}
d["summary"] = stats
json.dump(d, open(sys.argv[1], "w"), indent=2)
lines = ["# Pipeline overhead per release (slipway local)", "",
         f"Machine: {os.cpu_count()} cores, {platform.machine()}; {len(rows)} releases of hello-go one after another "
         "(2 targets, bake 0), after one warm-up; `bench/pipeline-overhead.sh`.", "",
         "| part | median s | p95 s | max s |", "|---|---|---|---|"]
names = {"totalSeconds": "upload accepted to LIVE", "compileSeconds": "compile build (waited for)",
         "imageAndScanSeconds": "image build + scan (waited for)", "rolloutSeconds": "rollout (waited for)",
         "bakeSeconds": "bake (waited for)", "overheadSeconds": "**Slipway's overhead** (the rest)"}
for k in keys:
    s = stats[k]
    lines.append(f"| {names[k]} | {s['median']:.3f} | {s['p95']:.3f} | {s['max']:.3f} |")
lines += ["", f"Overhead as a share of the whole (median): {stats['overheadSeconds']['median'] / stats['totalSeconds']['median']:.1%}."]
# Requests per release (issue 19): from the upload to 1.5 s after LIVE, counted where they reach "AWS"
# locally (LocalRuntime.requests()): Slipway's handlers by function, Lambda's poller (the dispatcher's
# SQS calls; a receive that got nothing apart), the CodeBuild stand-in (the buildspec's own calls) and
# the runtime's stand-ins (task runner, ECS rollouts), which on AWS are AWS's own and not billed.
def group(kind):
    caller, what = kind.split(" ", 1)
    if caller == "poller":
        return "Lambda's SQS poller: " + ("receives that found nothing" if what.endswith("(empty)") else "receives and deletes that carried events")
    if caller == "AWSCodeBuild":
        return "the builds' own calls (buildspec)"
    if caller == "runtime":
        return "the local stand-ins (not on AWS)"
    if caller.startswith("HandlersReconciler"):
        return "the reconciler's ticks in the window (scheduled, not per release)"
    return "Slipway's handlers"
if rows and "requests" in rows[0]:
    groups = {}
    kinds = {}
    for r in rows:
        per, ops = {}, {}
        for kind, n in r["requests"].items():
            per[group(kind)] = per.get(group(kind), 0) + n
            if group(kind) == "Slipway's handlers":
                op = kind.split(" ", 1)[1]  # summed over the functions that called it
                ops[op] = ops.get(op, 0) + n
        for g, n in per.items():
            groups.setdefault(g, []).append(n)
        for op, n in ops.items():
            kinds.setdefault(op, []).append(n)
    for g in groups:
        groups[g] += [0] * (len(rows) - len(groups[g]))
    for k in kinds:
        kinds[k] += [0] * (len(rows) - len(kinds[k]))
    d["requests"] = {"byGroup": {g: statistics.median(v) for g, v in groups.items()},
                     "handlersByOperation": {k: statistics.median(v) for k, v in kinds.items()}}
    json.dump(d, open(sys.argv[1], "w"), indent=2)
    lines += ["", "Requests per release, from the upload to 1.5 s after LIVE (medians over the releases):", "",
              "| who | requests |", "|---|---|"]
    for g in sorted(groups, key=lambda g: -statistics.median(groups[g])):
        lines.append(f"| {g} | {statistics.median(groups[g]):g} |")
    # Issue 19's count: what each release's events cost, the handlers' and Lambda's poller's.
    carrying = "Lambda's SQS poller: receives and deletes that carried events"
    per_release = [sum(n for kind, n in r["requests"].items()
                       if group(kind) in ("Slipway's handlers", carrying)) for r in rows]
    d["requests"]["perRelease"] = {"median": statistics.median(per_release), "max": max(per_release),
                                   "min": min(per_release)}
    json.dump(d, open(sys.argv[1], "w"), indent=2)
    lines += ["", f"**A release's events (the handlers' requests and the poller's that carried them): "
              f"median {statistics.median(per_release):g}**, min {min(per_release):g}, max {max(per_release):g}."]
    lines += ["", "Slipway's handlers' requests by operation (medians):", "", "| operation | requests |", "|---|---|"]
    for k in sorted(kinds, key=lambda k: -statistics.median(kinds[k])):
        lines.append(f"| {k} | {statistics.median(kinds[k]):g} |")
open(os.path.join(sys.argv[2], "pipeline-overhead.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(9, 4))
    parts = ["compileSeconds", "imageAndScanSeconds", "rolloutSeconds", "overheadSeconds"]
    left = [0] * len(rows)
    for k in parts:
        vals = [r[k] for r in rows]
        ax.barh(range(len(rows)), vals, left=left, label=names[k].replace("**", ""))
        left = [a + b for a, b in zip(left, vals)]
    ax.set_xlabel("seconds from upload to LIVE")
    ax.set_ylabel("release")
    ax.set_title(f"Where a release's time goes ({os.cpu_count()} cores)")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(os.path.join(sys.argv[2], "pipeline-overhead.png"), dpi=110)
except ImportError:
    print("(no chart: pip install matplotlib)", file=sys.stderr)
PY
