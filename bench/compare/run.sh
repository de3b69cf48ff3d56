#!/usr/bin/env bash
# reallot side by side with what users would pick instead, same data, same machine, one run:
#   - CLV: Python `lifetimes` (BG/NBD + Gamma-Gamma) vs `reallot clv` (clv/compare.py)
#   - lead and customer group-bys: DuckDB (Python) vs reallot, numbers checked equal (groupby.py)
#   - CSV import in headless Chromium: papaparse and DuckDB-WASM vs reallot's wasm (import.mjs)
# Peers are installed locally: bench/compare/.venv (PyPI) and bench/compare/node_modules (npm).
#   bench/compare/run.sh [--scale s|m|l] [--runs N] [--clv-sizes 2357,24000,240000,1000000]
# Figures and how to read them: docs/benchmarks.md, "Side by side".
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=m
runs=5
clv_sizes=2357,24000,240000,1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --clv-sizes) clv_sizes=$2; shift 2 ;;
    *) echo "usage: $0 [--scale s|m|l] [--runs N] [--clv-sizes N,N,...]" >&2; exit 1 ;;
  esac
done

venv=bench/compare/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import lifetimes, duckdb' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q lifetimes duckdb
fi
[ -d bench/compare/node_modules/@duckdb/duckdb-wasm ] || npm ci --prefix bench/compare --silent
[ -d tests/e2e/node_modules/playwright-core ] || npm ci --prefix tests/e2e --silent
cargo build -q --release -p reallot-cli

demo=target/bench-compare/demo-$scale
[ -f "$demo/leads.csv" ] || target/release/reallot demo --scale "$scale" --seed 42 --out "$demo"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## group-bys: DuckDB (Python) vs reallot, demo $scale"
"$venv/bin/python" bench/compare/groupby.py "$demo" --scale "$scale" --runs "$runs"
echo "## CSV import in Chromium: reallot (wasm) vs papaparse vs DuckDB-WASM, $demo/leads.csv"
node bench/compare/import.mjs "$demo/leads.csv" --runs "$runs"
echo "## CLV: lifetimes vs reallot clv, sizes $clv_sizes"
"$venv/bin/python" bench/compare/clv/compare.py --sizes "$clv_sizes"
echo "# done $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
