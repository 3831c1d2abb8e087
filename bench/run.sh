#!/usr/bin/env bash
# Retort benchmark, run by `make bench`. A benchmark, not a test: it reports numbers, the
# same-run ratios against Alembic and the floors, and the performance targets; it fails
# only when Retort itself fails on a history.
#
# For each history size (1,000 and 10,000 revisions by default) it generates a synthetic
# linear history (bench/generate.py), then times, on that same history:
#   xmllint --noout revisions/*.xml                   (the floor: libxml2 parsing the files)
#   retort --project DIR sql                          (no out/: removed before each run)
#   cp -r DIR/out                                     (the floor for writing out/)
#   retort --project DIR sql                          (out/ already current; with and without
#                                                      the build record that skips compiling)
#   retort --project DIR sql --check                  (the same two ways)
#   retort --project DIR sql                          (one revision more than out/ holds)
#   retort --project DIR upgrade base:head --sql      (stdout to /dev/null)
#   retort --project DIR downgrade head:base --sql    (stdout to /dev/null)
#   retort --project DIR check / lint                 (compile alone, compile + lint)
# and, when Alembic can be installed from PyPI into a throwaway venv, the Alembic twin of
# the history (bench/alembic_history.py): alembic upgrade base:head --sql and
# alembic downgrade head:base --sql, offline, no database. With valgrind it also counts
# the instructions of upgrade --sql at 1,000 revisions, a figure that does not move with load.
# Each command runs BENCH_RUNS times; the first run is a warm-up and is discarded; the
# table shows the median wall time and the peak RSS (bench/measure.py), the large/small
# ratio (linear cost gives ~10) and the Retort/Alembic ratios measured in this one run.
#
# Knobs (environment):
#   BENCH_SIZES="1000 10000"  history sizes          BENCH_SEED=20240601   generator seed
#   BENCH_RUNS=5              runs per Retort command (first discarded)
#   BENCH_ALEMBIC_RUNS=3      runs per Alembic command (first discarded; its downgrade is
#                             quadratic: about a minute per run at 10,000 revisions)
#   BENCH_SKIP_ALEMBIC=1      skip Alembic           ALEMBIC=/path/to/alembic  use that one
#   RETORT_BIN=/path/retort   skip the build and time that binary
#   RETORT_BASELINE_BIN=/path/retort  also time that build (say, of an earlier commit) on
#                             the same history and print the ratios: what a change costs
#   PYTHON=python3            interpreter for the generators
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
PY=${PYTHON:-python3}
SIZES=${BENCH_SIZES:-1000 10000}
RUNS=${BENCH_RUNS:-5}
ALEMBIC_RUNS=${BENCH_ALEMBIC_RUNS:-3}
SEED=${BENCH_SEED:-20240601}

command -v "$PY" >/dev/null 2>&1 || { echo "bench: $PY not found (the generators need Python 3)" >&2; exit 2; }

work=$(mktemp -d /tmp/retort-bench.XXXXXX)
# retort sql's build records (see README) go with the rest of the run, not into ~/.cache.
export XDG_CACHE_HOME="$work/cache"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# --- Retort, release build -------------------------------------------------------------
if [ -n "${RETORT_BIN:-}" ]; then
  bin=$RETORT_BIN
else
  say "bench: swift build -c release --product retort"
  (cd "$root" && swift build -c release --product retort)
  bin="$root/.build/release/retort"
fi
[ -x "$bin" ] || { say "bench: no retort binary at $bin"; exit 2; }

# --- Alembic, optional, in a throwaway venv ----------------------------------------------
alembic=""
if [ "${BENCH_SKIP_ALEMBIC:-0}" = 1 ]; then
  say "bench: Alembic skipped (BENCH_SKIP_ALEMBIC=1)"
elif [ -n "${ALEMBIC:-}" ]; then
  alembic=$ALEMBIC
else
  say "bench: installing Alembic from PyPI into a throwaway venv"
  if "$PY" -m venv "$work/venv" >"$work/venv.log" 2>&1 &&
     "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --timeout 30 --retries 1 alembic >>"$work/venv.log" 2>&1; then
    alembic="$work/venv/bin/alembic"
  else
    say "bench: Alembic could not be installed (no PyPI here?); continuing without it:"
    tail -n 3 "$work/venv.log" | sed 's/^/bench:   /' >&2 || true
  fi
fi
if [ -n "$alembic" ]; then
  if ! alembic_version=$("$alembic" --version 2>&1); then
    say "bench: $alembic does not run; continuing without Alembic"
    alembic=""
  fi
fi

# --- measurements ------------------------------------------------------------------------
results="$work/results.tsv"
: >"$results"
retort_failed=0

# measure TOOL LABEL N RUNS [--clean DIR] [--prepare SH] CMD... -> appends a result line to $results;
# never fails the script.
measure() {
  local tool=$1 label=$2 n=$3 runs=$4; shift 4
  local out clean=()
  while [ "${1:-}" = --clean ] || [ "${1:-}" = --prepare ]; do clean+=("$1" "$2"); shift 2; done
  say "bench: N=$n  $tool $label"
  if out=$("$PY" "$here/measure.py" run --runs "$runs" --warmup 1 "${clean[@]}" -- "$@"); then
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$label" "$n" "${out% *}" "${out#* }" >>"$results"
  else
    printf '%s\t%s\t%s\tFAIL\t\n' "$tool" "$label" "$n" >>"$results"
    [ "$tool" = retort ] && retort_failed=1
  fi
  return 0
}

for n in $SIZES; do
  dir="$work/n$n"
  t0=$(date +%s.%N)
  "$PY" "$here/generate.py" "$n" "$dir/retort" --seed "$SEED"
  t1=$(date +%s.%N)
  say "bench: generated $n revisions in $(awk "BEGIN{printf \"%.2f\", $t1-$t0}") s"

  # The floors: libxml2 parsing every revision file, and copying the output folder.
  if command -v xmllint >/dev/null 2>&1; then
    measure floor "xmllint --noout (parse every revision)" "$n" "$RUNS" \
      sh -c 'exec xmllint --noout "$0"/revisions/*.xml' "$dir/retort"
  else
    say "bench: xmllint not found (Debian: libxml2-utils); the parse floor is not measured"
  fi
  measure retort "sql" "$n" "$RUNS" --clean "$dir/retort/out" "$bin" --project "$dir/retort" sql
  if [ ! -d "$dir/retort/out" ]; then
    say "bench: note: 'retort sql' did not create $dir/retort/out"
  fi
  measure floor "cp -r out (copy the output)" "$n" "$RUNS" --clean "$dir/out-copy" cp -r "$dir/retort/out" "$dir/out-copy"
  rm -rf "$dir/out-copy"
  # With out/ current the build record answers without compiling (once the generated
  # inputs are more than a second old); without it, every run compiles and compares.
  sleep 2
  "$bin" --project "$dir/retort" sql >/dev/null
  measure retort "sql (out/ current)" "$n" "$RUNS" "$bin" --project "$dir/retort" sql
  measure retort "sql (out/ current, no build record)" "$n" "$RUNS" env RETORT_NO_BUILD_RECORD=1 "$bin" --project "$dir/retort" sql
  measure retort "sql --check" "$n" "$RUNS" "$bin" --project "$dir/retort" sql --check
  measure retort "sql --check (no build record)" "$n" "$RUNS" env RETORT_NO_BUILD_RECORD=1 "$bin" --project "$dir/retort" sql --check
  # One revision more than out/ was written for: out/ is put back before each run.
  cp -al "$dir/retort/out" "$dir/out-before"
  "$PY" "$here/generate.py" "$((n + 1))" "$dir/next" --seed "$SEED" -q
  cp "$dir/next/revisions/$(ls "$dir/next/revisions" | sort | tail -n 1)" "$dir/retort/revisions/"
  measure retort "sql (one new revision)" "$n" "$RUNS" \
    --prepare "rm -rf '$dir/retort/out' && cp -al '$dir/out-before' '$dir/retort/out'" \
    "$bin" --project "$dir/retort" sql
  rm -rf "$dir/next" "$dir/out-before" "$dir/retort/out"
  rm -f "$dir/retort/revisions/$(ls "$dir/retort/revisions" | sort | tail -n 1)"
  "$bin" --project "$dir/retort" sql >/dev/null
  measure retort "upgrade base:head --sql" "$n" "$RUNS" \
    "$bin" --project "$dir/retort" upgrade base:head --sql
  measure retort "downgrade head:base --sql" "$n" "$RUNS" \
    "$bin" --project "$dir/retort" downgrade head:base --sql
  # Compile alone (check has no models to compare here) against compile + lint: the
  # difference is what linting costs (issue: under 20%).
  measure retort "check (compile only)" "$n" "$RUNS" \
    "$bin" --project "$dir/retort" check
  measure retort "lint" "$n" "$RUNS" \
    "$bin" --project "$dir/retort" lint

  # Instructions, not seconds: the same on a loaded machine as on an idle one.
  if [ "$n" -le 1000 ] && command -v valgrind >/dev/null 2>&1; then
    # A stripped copy: valgrind cannot read the Swift toolchain's DWARF.
    strip -o "$work/retort-stripped" "$bin" 2>/dev/null || cp "$bin" "$work/retort-stripped"
    if count=$("$PY" "$here/measure.py" instructions -- "$work/retort-stripped" --project "$dir/retort" upgrade base:head --sql); then
      printf 'instructions\tupgrade base:head --sql\t%s\t%s\n' "$n" "$count" >>"$work/instructions.tsv"
    fi
  fi

  if [ -n "${RETORT_BASELINE_BIN:-}" ]; then
    measure baseline "upgrade base:head --sql" "$n" "$RUNS" \
      "$RETORT_BASELINE_BIN" --project "$dir/retort" upgrade base:head --sql
    measure baseline "check (compile only)" "$n" "$RUNS" \
      "$RETORT_BASELINE_BIN" --project "$dir/retort" check
    measure baseline "lint" "$n" "$RUNS" \
      "$RETORT_BASELINE_BIN" --project "$dir/retort" lint
  fi

  if [ -n "$alembic" ]; then
    "$PY" "$here/alembic_history.py" "$n" "$dir/alembic" --seed "$SEED"
    measure alembic "upgrade base:head --sql" "$n" "$ALEMBIC_RUNS" \
      "$alembic" -c "$dir/alembic/alembic.ini" upgrade base:head --sql
    measure alembic "downgrade head:base --sql" "$n" "$ALEMBIC_RUNS" \
      "$alembic" -c "$dir/alembic/alembic.ini" downgrade head:base --sql
  fi
  rm -rf "$dir"
done

echo
echo "Retort benchmark: $(nproc 2>/dev/null || echo '?') cores, $("$bin" --version 2>/dev/null || echo 'retort')${alembic:+, $alembic_version}"
"$PY" "$here/measure.py" report "$results" --runs "$RUNS" --alembic-runs "$ALEMBIC_RUNS" --seed "$SEED"
[ -n "$alembic" ] || echo "(Alembic not measured: it could not be installed or was skipped.)"
if [ -s "$work/instructions.tsv" ]; then
  echo
  echo "Instructions executed (valgrind --tool=callgrind; exact, independent of load):"
  while IFS=$'\t' read -r _ command n count; do
    printf '  retort %s  N=%s  %s instructions\n' "$command" "$n" "$count"
  done <"$work/instructions.tsv"
fi

if [ "$retort_failed" = 1 ]; then
  say "bench: retort failed on a generated history (see the messages above)"
  exit 1
fi
