#!/usr/bin/env bash
# Benchmark of the Go toolchain part of Slipway, for examples/hello-go, against plain `go build`
# measured in the same run (this machine is shared and noisy: medians and ratios, not single times).
#
# Prints and writes bench/results/build-image.json and .md:
#   - size of a plain `go build` vs Slipway's output, per target
#   - compressed image size (linux/amd64 and linux/arm64 layers)
#   - time of the 4-target build (slipway build) vs 4 plain go builds, warm Go cache, median of N
#   - time of `slipway image` to an OCI layout, median of N
# Usage: bench/build-image.sh [RUNS]   (default 5)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$root/bench/results"
mkdir -p "$results"
jar="$root/cli/target/slipway.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests package -pl cli -am)
src="$root/examples/hello-go"
targets=(linux/amd64 linux/arm64 darwin/arm64 windows/amd64)

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m/1e9}'; }

plain_build() { # the baseline: what a user gets from `go build` with default flags
  for t in "${targets[@]}"; do
    GOOS="${t%/*}" GOARCH="${t#*/}" CGO_ENABLED=0 go build -C "$src" -o "$1/${t//\//_}" . &
  done
  wait
}

# Warm the Go build cache once for both, so both sides measure builds, not first compiles.
plain_build "$work/warm-plain"
java -jar "$jar" build "$src" --out "$work/warm" --release-id bench >/dev/null 2>&1

plain_times=(); slipway_times=(); image_times=()
for i in $(seq 1 "$runs"); do
  a=$(now); plain_build "$work/plain-$i"; b=$(now); plain_times+=($((b - a)))
  a=$(now); java -jar "$jar" build "$src" --out "$work/out-$i" --release-id bench >/dev/null 2>&1; b=$(now); slipway_times+=($((b - a)))
  a=$(now); java -jar "$jar" image "$work/out-$i" --oci-layout "$work/layout-$i" >/dev/null 2>&1; b=$(now); image_times+=($((b - a)))
done
plain_median=$(printf '%s\n' "${plain_times[@]}" | median)
build_median=$(printf '%s\n' "${slipway_times[@]}" | median)
image_median=$(printf '%s\n' "${image_times[@]}" | median)
ratio=$(awk -v a="$build_median" -v b="$plain_median" 'BEGIN {printf "%.2f", a/b}')

size_rows=""; json_sizes=""
for t in "${targets[@]}"; do
  slug="${t//\//_}"
  plain=$(stat -c %s "$work/plain-1/$slug")
  ours=$(stat -c %s "$work/out-1/hello-go_${slug}/"hello-go*)
  pct=$(awk -v a="$ours" -v b="$plain" 'BEGIN {printf "%.1f", 100*a/b}')
  size_rows+="| $t | $plain | $ours | $pct% |"$'\n'
  json_sizes+="{\"platform\":\"$t\",\"plainGoBuildBytes\":$plain,\"slipwayBytes\":$ours},"
done

# Compressed image size per platform: the sum of that platform's layer blobs in the layout.
image_rows=""; json_images=""
layout="$work/layout-1"
index_digest=$(python3 -c "import json,sys; print(json.load(open('$layout/index.json'))['manifests'][0]['digest'].split(':')[1])")
for m in $(python3 -c "import json; [print(x['digest'].split(':')[1], x['platform']['architecture']) for x in json.load(open('$layout/blobs/sha256/$index_digest'))['manifests']]" | tr ' ' ':'); do
  digest="${m%%:*}"; arch="${m##*:}"
  bytes=$(python3 -c "import json; print(sum(l['size'] for l in json.load(open('$layout/blobs/sha256/$digest'))['layers']))")
  image_rows+="| linux/$arch | $bytes |"$'\n'
  json_images+="{\"platform\":\"linux/$arch\",\"compressedBytes\":$bytes},"
done

go_version=$(go version | awk '{print $3}')
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
cat > "$results/build-image.json" <<JSON
{"goVersion":"$go_version","machine":"$machine","runs":$runs,
 "sizes":[${json_sizes%,}],
 "images":[${json_images%,}],
 "fourTargetBuildSeconds":{"slipwayMedian":$build_median,"plainGoBuildMedian":$plain_median,"ratio":$ratio},
 "imageSeconds":{"slipwayImageMedian":$image_median},
 "indexDigest":"sha256:$index_digest"}
JSON
cat > "$results/build-image.md" <<MD
# hello-go: build and image ($go_version; $machine; median of $runs runs, warm Go cache)

| target | plain \`go build\` bytes | slipway bytes | slipway / plain |
|---|---|---|---|
${size_rows}
| image platform | compressed bytes (all layers) |
|---|---|
${image_rows}
| step | median seconds |
|---|---|
| 4 plain \`go build\` in parallel (baseline) | $plain_median |
| \`slipway build\` (4 targets, download/verify, tests, SBOM, sums) | $build_median (x$ratio of baseline) |
| \`slipway image\` to an OCI layout | $image_median |
MD
cat "$results/build-image.md"
