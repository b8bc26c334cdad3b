#!/usr/bin/env bash
# keyhound benchmark suite: one command, deterministic inputs, a table and a
# JSON file of results that can be compared across commits (in $OUT,
# default /tmp/keyhound-bench).
#
#   bash bench/run.sh              # ~1 GiB working tree (default)
#   SIZE=200000000 RUNS=3 bash bench/run.sh
#
# It compares `keyhound dir` with the read floor (`cat` of every file) and
# with ripgrep searching the rules' keywords, reporting median wall time,
# MB/s, CPU and peak RSS, plus start-up latency on an empty directory; then
# (scripts/bench-git.sh, GIT=0 skips it) `keyhound git` with `git log -p
# --all` on a generated 20k-commit history, and `--staged` latency.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1073741824}
RUNS=${RUNS:-5}
SECRETS=${SECRETS:-300}
OUT=${OUT:-${TMPDIR:-/tmp}/keyhound-bench}  # outside the module: the tree holds Go files
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if ! [ -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)" >&2
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi
if ! command -v rg >/dev/null; then
  echo "installing ripgrep (for comparison)" >&2
  (apt-get update -qq && apt-get install -y -qq ripgrep) >/dev/null || echo "ripgrep unavailable; skipping it" >&2
fi

go build -o "$OUT/keyhound" .
KH="$OUT/keyhound"
TREE="$OUT/tree-$SIZE"
if [ ! -d "$TREE" ]; then
  echo "generating $TREE" >&2
  go run -tags tools ./bench/gen -out "$TREE" -size "$SIZE" -secrets "$SECRETS"
fi
BYTES=$(du -sb "$TREE" | cut -f1)
"$KH" rules list 2>/dev/null | awk 'NR>1 {print $3}' | tr ',' '\n' | sort -u | grep -v '^$' > "$OUT/keywords.txt"
mkdir -p "$OUT/empty"

# measure NAME CMD...: runs CMD $RUNS times, records median wall, user+sys, max RSS.
declare -a ROWS=()
measure() {
  local name=$1; shift
  local f="$OUT/times-$name.txt"
  : > "$f"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/t" "$@" > /dev/null 2>&1 || true
    tail -n 1 "$OUT/t" >> "$f"  # GNU time puts "Command exited with non-zero status" first
  done
  # median of wall; cpu and rss from the same sorted position
  read -r wall user sys rss < <(sort -n "$f" | sed -n "$(( (RUNS + 1) / 2 ))p")
  ROWS+=("$name $wall $user $sys $rss")
}

echo "warming the page cache" >&2
find "$TREE" -type f -print0 | xargs -0 cat > /dev/null

measure cat bash -c "find '$TREE' -type f -print0 | xargs -0 cat > /dev/null"
if command -v rg >/dev/null; then
  measure rg-keywords rg -c -i -F -f "$OUT/keywords.txt" "$TREE"
fi
measure keyhound-dir "$KH" dir -q --no-progress -f json -o "$OUT/findings.json" "$TREE"
measure keyhound-dir-1core "$KH" dir -q --no-progress -j 1 -o /dev/null "$TREE"
measure startup-empty-dir "$KH" dir -q --no-progress "$OUT/empty"

found=$(grep -c '"rule_id"' "$OUT/findings.json" || true)
planted=$(wc -l < "$TREE.planted")

printf '\n%-20s %9s %10s %8s %10s\n' "command" "wall s" "MB/s" "cpu s" "peak MiB"
json="{\"bytes\": $BYTES, \"runs\": $RUNS, \"planted\": $planted, \"findings\": $found, \"results\": ["
sep=""
for row in "${ROWS[@]}"; do
  read -r name wall user sys rss <<< "$row"
  mbs=$(awk -v b="$BYTES" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", b / w / 1e6; else print "-" }')
  [ "$name" = startup-empty-dir ] && mbs="-"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  mib=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
  printf '%-20s %9s %10s %8s %10s\n' "$name" "$wall" "$mbs" "$cpu" "$mib"
  json+="$sep{\"name\": \"$name\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_mib\": $mib}"
  sep=", "
done
json+="]}"
echo "$json" > "$OUT/results.json"
printf '\ntree: %s bytes; %s findings for %s planted secrets; results in %s\n' "$BYTES" "$found" "$planted" "$OUT/results.json"

# The git half: keyhound git vs git log -p --all on a generated 20k-commit
# history, and --staged latency (GIT=0 skips it).
if [ "${GIT:-1}" != 0 ]; then
  echo
  echo "== git history (scripts/bench-git.sh)"
  RUNS=$RUNS bash scripts/bench-git.sh
fi
