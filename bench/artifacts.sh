#!/usr/bin/env bash
# Artifacts (issue 7, benchmark 5): the functions jar (what every Lambda loads; the shaded jar
# shrunk by ProGuard, which is measured too) and the CLI
# jar, with their class counts and the largest dependencies inside; hello-go's binaries and image
# against plain `go build` come from bench/build-image.sh (results/build-image.*), and the
# two-platform compile inside `slipway local` from bench/pipeline-overhead.sh (compile build).
# Writes bench/results/artifacts.json and .md. Usage: bench/artifacts.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -DskipTests -Dspotless.check.skip=true install -pl functions,toolchain,local,cli -am >&2
python3 - "$root" <<'PY'
import json, os, platform, sys, zipfile, collections
root = sys.argv[1]
res = os.path.join(root, "bench", "results")
jars = {"functions (every Lambda)": "functions/target/slipway-functions.jar",
        "functions before ProGuard (shaded, every dependency whole)": "functions/target/slipway-functions-shaded.jar",
        "cli (slipway)": "cli/target/slipway.jar"}
out = {"machine": f"{os.cpu_count()} cores, {platform.machine()}", "jars": {}}
lines = ["# Artifacts", "", f"Machine: {out['machine']}; `bench/artifacts.sh`.", "",
         "| jar | bytes | MiB | classes | largest parts (compressed bytes, by top package) |", "|---|---|---|---|---|"]
for name, path in jars.items():
    p = os.path.join(root, path)
    with zipfile.ZipFile(p) as z:
        infos = z.infolist()
        classes = sum(1 for i in infos if i.filename.endswith(".class"))
        parts = collections.Counter()
        for i in infos:
            segs = i.filename.split("/")
            key = "/".join(segs[:3]) if len(segs) > 3 else segs[0]
            parts[key] += i.compress_size
    size = os.path.getsize(p)
    top = ", ".join(f"{k} {v / 1048576:.1f} MiB" for k, v in parts.most_common(5))
    out["jars"][name] = {"path": path, "bytes": size, "classes": classes, "largest": parts.most_common(10)}
    lines.append(f"| {name} | {size} | {size / 1048576:.1f} | {classes} | {top} |")
bi = os.path.join(res, "build-image.json")
if os.path.exists(bi):
    b = json.load(open(bi))
    out["buildImage"] = b
    lines += ["", f"hello-go ({b['goVersion']}, from `bench/build-image.sh`): Slipway's binaries are "
              + ", ".join(f"{s['platform']} {100 * s['slipwayBytes'] / s['plainGoBuildBytes']:.1f}%" for s in b["sizes"])
              + " of a plain `go build`; the image is "
              + ", ".join(f"{i['platform']} {i['compressedBytes'] / 1048576:.2f} MiB" for i in b["images"])
              + f" compressed; the 4-target build takes {b['fourTargetBuildSeconds']['slipwayMedian']} s "
              + f"(x{b['fourTargetBuildSeconds']['ratio']} of 4 plain builds in parallel)."]
po = os.path.join(res, "pipeline-overhead.json")
if os.path.exists(po):
    s = json.load(open(po)).get("summary", {})
    if s:
        lines += ["", f"Two-platform compile build (linux/amd64 + linux/arm64) inside `slipway local`, from "
                  f"`bench/pipeline-overhead.sh`: median {s['compileSeconds']['median']:.2f} s, p95 {s['compileSeconds']['p95']:.2f} s."]
json.dump(out, open(os.path.join(res, "artifacts.json"), "w"), indent=2)
open(os.path.join(res, "artifacts.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
