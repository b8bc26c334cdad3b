#!/usr/bin/env bash
# Benchmark of `keyhound git` against `git log -p --all` (what every
# patch-based scanner pays before it matches anything) on a generated
# history of at least 20,000 commits:
#
#   bash scripts/bench-git.sh
#   COMMITS=5000 RUNS=1 bash scripts/bench-git.sh
#   SHAPE=helm bash scripts/bench-git.sh     # the Helm-like history
#   REPO=/path/to/clone bash scripts/bench-git.sh   # a real history instead
#
# The repository is generated deterministically (scripts/gitgen: Go source
# text from $(go env GOROOT)/src with a few hundred generated fake secrets;
# with SHAPE=helm, a few hundred 50–500 KB YAML and README files edited a
# few lines per commit, where keyhound matches only what each delta adds)
# under $OUT (default /tmp/keyhound-bench-git; bench/out works too, it is git-ignored) and kept for later
# runs. Prints a table of median wall time, CPU time and peak RSS, with
# gitleaks when it is installed (or $GITLEAKS names it), and the
# throughput of the two blob readers (pack files vs go-git's iteration).
# With REPO (an existing clone, e.g. of pytest or sqlalchemy: issue 19's goal
# is >= 10x gitleaks's wall time on those) nothing is generated and the
# --staged and blob-reader measurements are skipped; the clone is only read.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${COMMITS:-20000}
SHAPE=${SHAPE:-go}                  # go or helm (scripts/gitgen -shape)
WINDOW=${WINDOW:-10}                # git repack --window of the generated history
GITLEAKS=${GITLEAKS:-$(command -v gitleaks || true)}
RULES=${RULES:-} # a rule file to use instead of the built-in rules (--config)
RUNS=${RUNS:-3}
OUT=${OUT:-${TMPDIR:-/tmp}/keyhound-bench-git}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if ! [ -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)" >&2
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi

go build -o "$OUT/keyhound" .
KH="$OUT/keyhound"
CFG=()
if [ -n "$RULES" ]; then
  CFG=(--config "$(cd "$(dirname "$RULES")" && pwd)/$(basename "$RULES")")
fi
REAL=${REPO:-}
if [ -n "$REAL" ]; then
  REPO=$(cd "$REAL" && pwd)
  SHAPE=real
elif [ "$SHAPE" != go ]; then
  REPO="$OUT/$SHAPE-$COMMITS.git"
else
  REPO="$OUT/git-$COMMITS.git"
fi
if [ -z "$REAL" ] && [ ! -d "$REPO" ]; then
  echo "generating $REPO ($COMMITS commits)" >&2
  rm -rf "$REPO.tmp"
  git init -q --bare "$REPO.tmp"
  git -C "$REPO.tmp" symbolic-ref HEAD refs/heads/main
  go run -tags tools ./scripts/gitgen -shape "$SHAPE" -commits "$COMMITS" -planted "$REPO.planted" | git -C "$REPO.tmp" fast-import --quiet
  # A clone or a gc'd repository: one pack, deltas chosen by git (not fast-import's).
  git -C "$REPO.tmp" repack -adfq --window="$WINDOW" --depth=50
  mv "$REPO.tmp" "$REPO"
fi
NCOMMITS=$(git -C "$REPO" rev-list --all | wc -l)
GITDIR=$(git -C "$REPO" rev-parse --absolute-git-dir)
PACK=$(du -sb "$GITDIR/objects/pack" | cut -f1)
cat "$GITDIR"/objects/pack/* > /dev/null # warm the page cache

# measure NAME CMD...: runs CMD $RUNS times; records the median wall time
# with the CPU time and peak RSS of that run.
declare -a ROWS=()
measure() {
  local name=$1; shift
  local f="$OUT/git-times-$name.txt"
  : > "$f"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/t" "$@" > /dev/null 2>"$OUT/git-stderr-$name.txt" || true
    tail -n 1 "$OUT/t" >> "$f"
  done
  local row
  row=$(sort -n "$f" | awk -v n="$RUNS" 'NR == int((n+1)/2) {printf "%.2f %.2f %d", $1, $2+$3, $4/1024}')
  ROWS+=("$name $row")
}

measure "git-log-p-all" git -C "$REPO" log -p --all
measure "keyhound-git" "$KH" git "${CFG[@]}" --no-progress -f json -o "$OUT/git-findings.json" "$REPO"
measure "keyhound-git-1-worker" "$KH" git "${CFG[@]}" --no-progress -j 1 -f json -o "$OUT/git-findings-1.json" "$REPO"
if [ "$SHAPE" = go ]; then
  # go-git's reader matches every blob whole: slow on big files edited often.
  measure "keyhound-git-go-git-reader" "$KH" git "${CFG[@]}" --no-progress --git-reader go-git -f json -o "$OUT/git-findings-gogit.json" "$REPO"
fi
if [ -n "$GITLEAKS" ]; then
  measure "gitleaks" "$GITLEAKS" git --no-banner --exit-code 0 -f json -r "$OUT/gitleaks-findings.json" "$REPO"
fi

if [ -n "$REAL" ]; then
  FOUND=$(grep -c '"rule_id"' "$OUT/git-findings.json" || true)
  echo
  echo "history: $REPO, $NCOMMITS commits, pack $((PACK / 1048576)) MiB; $FOUND findings"
  printf "\n%-28s %9s %9s %12s\n" "command" "wall s" "cpu s" "peak RSS MiB"
  for r in "${ROWS[@]}"; do
    # shellcheck disable=SC2086
    printf "%-28s %9s %9s %12s\n" $r
  done
  KHW=$(awk '{print $2}' <<<"${ROWS[1]}")
  for r in "${ROWS[@]}"; do
    if [ "${r%% *}" = gitleaks ]; then
      awk -v g="$(awk '{print $2}' <<<"$r")" -v k="$KHW" 'BEGIN { printf "keyhound git vs gitleaks: %.1fx faster wall (issue 19: >= 10x on real histories)\n", g / k }'
    fi
  done
  exit 0
fi

# --staged on a one-file change in a work tree of the same repository.
WT="$OUT/git-$COMMITS-worktree"
if [ ! -d "$WT" ]; then
  git clone -q --shared "$REPO" "$WT"
fi
F=$(git -C "$WT" ls-files | awk 'NR == 1')
git -C "$WT" checkout -q -- "$F"
echo "// edited" >> "$WT/$F"
git -C "$WT" add "$F"
measure "keyhound-git-staged" "$KH" git "${CFG[@]}" --no-progress --staged "$WT"
git -C "$WT" reset -q -- "$F"
git -C "$WT" checkout -q -- "$F"

FOUND=$(grep -c '"rule_id"' "$OUT/git-findings.json" || true)
PLANTED=$(wc -l < "$REPO.planted")
echo
echo "history: $NCOMMITS commits, pack $((PACK / 1048576)) MiB; $PLANTED fake secrets planted, $FOUND findings"
grep -h "keyhound: git:\|keyhound: scanned" "$OUT/git-stderr-keyhound-git.txt" || true
printf "\n%-28s %9s %9s %12s\n" "command" "wall s" "cpu s" "peak RSS MiB"
for r in "${ROWS[@]}"; do
  # shellcheck disable=SC2086
  printf "%-28s %9s %9s %12s\n" $r
done
LOGW=$(awk '{print $2}' <<<"${ROWS[0]}")
KHW=$(awk '{print $2}' <<<"${ROWS[1]}")
KHR=$(awk '{print $4}' <<<"${ROWS[1]}")
awk -v l="$LOGW" -v k="$KHW" -v r="$KHR" 'BEGIN {
  printf "\nkeyhound git vs git log -p --all: %.1fx faster (target: faster; issue 5: >= 2x); peak RSS %d MiB (target < 300)\n", l / k, r }'
LOGC=$(awk '{print $3}' <<<"${ROWS[0]}")
KHC=$(awk '{print $3}' <<<"${ROWS[1]}")
awk -v l="$LOGC" -v k="$KHC" 'BEGIN { printf "keyhound git CPU / git log -p --all CPU: %.2f (issue 19: <= 1.5)\n", k / l }'
for r in "${ROWS[@]}"; do
  if [ "${r%% *}" = gitleaks ]; then
    awk -v g="$(awk '{print $2}' <<<"$r")" -v gc="$(awk '{print $3}' <<<"$r")" -v k="$KHW" -v kc="$KHC" 'BEGIN {
      printf "keyhound git vs gitleaks: %.1fx faster wall, %.1fx less CPU (issue 19: >= 2x)\n", g / k, gc / kc }'
  fi
done
echo
echo "blob readers, all blobs of the repository, decoding only:"
KEYHOUND_BENCH_REPO="$REPO" KEYHOUND_BENCH_RULES="${CFG[1]:-}" go test -run '^$' -bench 'BenchmarkReadBlobs' -benchtime 1x ./scanner/gitscan | grep -E '^Benchmark' || true
