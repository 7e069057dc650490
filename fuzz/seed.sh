#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the real sources and every fixture (run from the
# repository root): the whole files for `parse`, `format` and `compile`, their backtick queries for
# `promql` and `logql`.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in parse format compile promql logql; do mkdir -p "fuzz/corpus/$target"; done
n=0
while IFS= read -r -d '' file; do
  n=$((n + 1))
  cp "$file" "fuzz/corpus/parse/seed-$n.wb"
  cp "$file" "fuzz/corpus/compile/seed-$n.wb"
  cp "$file" "fuzz/corpus/format/seed-$n.wb"
  # The file's backtick strings (its queries and commands), one per line.
  awk -v RS='`' 'NR % 2 == 0' "$file" > "fuzz/corpus/promql/seed-$n.txt"
  cp "fuzz/corpus/promql/seed-$n.txt" "fuzz/corpus/logql/seed-$n.txt"
done < <(find rules tests/fixtures -name '*.wb' -print0 | sort -z)
echo "seeded $n files into fuzz/corpus/{parse,format,compile,promql,logql}"
