#!/usr/bin/env bash
# Incremental re-scans with --cache-dir on the generated history of
# scripts/bench-git.sh (same generator, same $OUT, so the repository is
# shared): a first run with an empty cache, a second over the unchanged
# history, and one after a new commit, next to a run without the cache.
#
#   bash scripts/bench-git-incremental.sh
#   COMMITS=5000 bash scripts/bench-git-incremental.sh
#
# Prints wall time and peak RSS of each, and checks that every re-run's
# findings equal the full scan's.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${COMMITS:-20000}
OUT=${OUT:-${TMPDIR:-/tmp}/keyhound-bench-git}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if ! [ -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)" >&2
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi

go build -o "$OUT/keyhound" .
KH="$OUT/keyhound"
REPO="$OUT/git-$COMMITS.git"
if [ ! -d "$REPO" ]; then
  echo "generating $REPO ($COMMITS commits)" >&2
  rm -rf "$REPO.tmp"
  git init -q --bare "$REPO.tmp"
  git -C "$REPO.tmp" symbolic-ref HEAD refs/heads/main
  go run -tags tools ./scripts/gitgen -commits "$COMMITS" -planted "$REPO.planted" | git -C "$REPO.tmp" fast-import --quiet
  git -C "$REPO.tmp" repack -adfq --window=10 --depth=50
  mv "$REPO.tmp" "$REPO"
fi

# A copy to add a commit to, and a fresh cache.
WORK="$OUT/incremental"
rm -rf "$WORK"
mkdir -p "$WORK"
cp -r "$REPO" "$WORK/repo.git"
cat "$WORK"/repo.git/objects/pack/* > /dev/null # warm the page cache

declare -a ROWS=()
measure() { # NAME REPORT ARGS...
  local name=$1 report=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$KH" git --no-progress -f json -o "$report" "$@" "$WORK/repo.git" 2>"$WORK/stderr-$name.txt" || true
  ROWS+=("$name $(tail -n 1 "$WORK/t" | awk '{printf "%.2f %d", $1, $2/1024}')")
}
same() { # A.json B.json: the same findings
  python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p))["findings"] for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
EOF
}

measure full-no-cache "$WORK/full.json"
measure first-run "$WORK/first.json" --cache-dir "$WORK/cache"
measure unchanged "$WORK/unchanged.json" --cache-dir "$WORK/cache"
git clone -q "$WORK/repo.git" "$WORK/wt"
F=$(git -C "$WORK/wt" ls-files | awk 'NR == 1')
echo "// edited" >> "$WORK/wt/$F"
git -C "$WORK/wt" -c user.name=bench -c user.email=bench@example.com commit -qam "one more commit"
git -C "$WORK/wt" push -q origin HEAD:main
measure one-new-commit "$WORK/new.json" --cache-dir "$WORK/cache"
measure full-after-commit "$WORK/full2.json"

printf "\n%-20s %8s %12s\n" "run" "wall s" "peak RSS MiB"
for r in "${ROWS[@]}"; do
  # shellcheck disable=SC2086
  printf "%-20s %8s %12s\n" $r
done
FIRST=$(awk '{print $2}' <<<"${ROWS[1]}")
UNCH=$(awk '{print $2}' <<<"${ROWS[2]}")
NEW=$(awk '{print $2}' <<<"${ROWS[3]}")
awk -v f="$FIRST" -v u="$UNCH" -v n="$NEW" 'BEGIN {
  printf "\nunchanged re-run: %.1f%% of the first run (target < 5%%); after one new commit: %.1f%%\n", 100*u/f, 100*n/f }'
grep -h "cache-dir" "$WORK"/stderr-*.txt || true
ok=1
same "$WORK/full.json" "$WORK/first.json" || { echo "first run's findings differ from the full scan's"; ok=0; }
same "$WORK/full.json" "$WORK/unchanged.json" || { echo "unchanged re-run's findings differ"; ok=0; }
same "$WORK/full2.json" "$WORK/new.json" || { echo "re-run after a commit: findings differ from a full scan's"; ok=0; }
[ $ok = 1 ] && echo "findings of every re-run equal a full scan's"
