#!/usr/bin/env bash
# Re-run keyhound (and optionally gitleaks) over the pinned public repositories of
# repos.tsv and score the findings against labels.tsv. Needs the repositories
# cloned locally (it never uses the network); see README.md.
#
#   eval/real/run.sh                  # build keyhound from this checkout, scan, score
#   KH=/tmp/kh-before eval/real/run.sh   # score another keyhound binary
#   GITLEAKS=/tmp/bin/gitleaks eval/real/run.sh   # also compare with gitleaks
#
# Environment: REAL (default /tmp/real) holds one clone per repository, named as
# in repos.tsv; OUT (default a temporary directory) receives the reports.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
REAL=${REAL:-/tmp/real}
OUT=${OUT:-$(mktemp -d)}
if [ -z "${KH:-}" ]; then
	KH="$OUT/keyhound"
	(cd "$root" && go build -o "$KH" .)
fi
mkdir -p "$OUT"
missing=0
while IFS=$'\t' read -r name url commit _; do
	case "$name" in ''|'#'*) continue ;; esac
	dir="$REAL/$name"
	if [ ! -d "$dir/.git" ]; then
		echo "skip $name: no clone at $dir (git clone $url $dir && git -C $dir checkout $commit)" >&2
		missing=1
		continue
	fi
	if [ "$(git -C "$dir" rev-parse HEAD)" != "$commit" ]; then
		echo "skip $name: $dir is not at $commit" >&2
		missing=1
		continue
	fi
	# exit status 1 means findings; notices (unreadable objects) go to $OUT/NAME.log
	"$KH" dir "$dir" --no-progress -q -f json -o "$OUT/$name.dir.json" 2>>"$OUT/$name.log" || [ $? -eq 1 ]
	"$KH" git "$dir" --no-progress -q -f json -o "$OUT/$name.git.json" 2>>"$OUT/$name.log" || [ $? -eq 1 ]
	if [ -n "${GITLEAKS:-}" ]; then
		"$GITLEAKS" dir "$dir" --no-banner -l error -f json -r "$OUT/$name.gitleaks-dir.json" --exit-code 0 2>>"$OUT/$name.log" || true
		"$GITLEAKS" git "$dir" --no-banner -l error -f json -r "$OUT/$name.gitleaks-git.json" --exit-code 0 2>>"$OUT/$name.log" || true
	fi
done < "$here/repos.tsv"
python3 "$here/score.py" --repos "$here/repos.tsv" --labels "$here/labels.tsv" --out "$OUT" ${SCORE_ARGS:-}
echo "reports in $OUT" >&2
exit $missing
