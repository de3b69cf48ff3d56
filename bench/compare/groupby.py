"""Lead and customer group-bys side by side: DuckDB (Python) against reallot on the same demo CSVs.

Run from the repository root (bench/compare/run.sh does the setup):
    bench/compare/.venv/bin/python bench/compare/groupby.py DEMO_DIR [--scale m] [--runs 5]

DEMO_DIR holds `reallot demo --scale S --seed 42` output; reallot's figures come from
`reallot bench --scale S --json` (the same data, generated in memory; median over
--reallot-runs whole runs), so both sides time the same rows. Checked first: DuckDB's conversion by rep and repeat-purchase rate by customer type
equal `reallot report --json` (conversion.by_rep, segments.repeat_by_customer_type) exactly.

Timed, each side from what it already holds in memory:
  - load: DuckDB `CREATE TABLE … AS SELECT * FROM read_csv(...)` of all eight files vs reallot's
    import step (decode, sniff, parse, map, load of all eight tables, bytes already in memory).
  - conversion by rep: one GROUP BY over leads vs reallot's `conversion_by_rep` step (the lead
    frame plus conversion with intervals and shrinkage for every cut, not only by rep).
  - repeat rate by customer type: orders grouped by customer, joined to customers vs reallot's
    `repeat_by_segment` step (orders grouped by customer, repeat rate for five segmentations).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import duckdb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REALLOT = os.path.join(ROOT, "target", "release", "reallot")
TABLES = ["reps", "customers", "leads", "orders", "activities", "ownership", "campaigns", "surveys"]

CONVERSION = """
SELECT assigned_rep_id AS key, count(*) AS leads,
       count(*) FILTER (WHERE (won_at IS NOT NULL AND won_at < CAST($as_of AS TIMESTAMP))
                          OR (won_at IS NULL AND stage = 'won')) AS won
FROM leads
WHERE assigned_rep_id IS NOT NULL AND assigned_at IS NOT NULL
  AND assigned_at < CAST($as_of AS TIMESTAMP) AND created_at < CAST($as_of AS TIMESTAMP)
GROUP BY 1 ORDER BY 1
"""

# Active = at least one distinct purchase day in the 365 days before as-of; repeat = two or more.
REPEAT = """
WITH days AS (
  SELECT customer_id, count(DISTINCT CAST(order_date AS DATE)) AS n
  FROM orders
  WHERE order_date < CAST($as_of AS TIMESTAMP) AND order_date >= CAST($as_of AS DATE) - INTERVAL 365 DAY
  GROUP BY 1
)
SELECT coalesce(c.customer_type, '(unknown)') AS key, count(*) AS customers,
       count(*) FILTER (WHERE d.n >= 2) AS repeat
FROM days d JOIN customers c USING (customer_id)
GROUP BY 1 ORDER BY 1
"""


def timed(f, runs):
    ms = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("demo_dir")
    ap.add_argument("--scale", default="m")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reallot-runs", type=int, default=3, help="whole `reallot bench` runs")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: its default)")
    args = ap.parse_args()

    report = json.loads(subprocess.run([REALLOT, "report", args.demo_dir, "--json"],
                                       check=True, capture_output=True, text=True).stdout)
    as_of = report["as_of"]
    # `reallot bench` times each step once, so take the median over several whole runs.
    walls = {}
    for _ in range(args.reallot_runs):
        bench = json.loads(subprocess.run([REALLOT, "bench", "--scale", args.scale, "--json"],
                                          check=True, capture_output=True, text=True).stdout)
        for s in bench["steps"]:
            walls.setdefault(s["name"], []).append(s["wall_ms"])
    steps = {name: {"wall_ms": statistics.median(ms)} for name, ms in walls.items()}

    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]

    def load():
        for t in TABLES:
            path = os.path.join(args.demo_dir, f"{t}.csv")
            con.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * FROM read_csv('{path}', header = true)")
        return con.execute("SELECT count(*) FROM leads").fetchone()[0]

    load_ms, _ = timed(load, max(1, args.runs // 2))
    params = {"as_of": as_of}
    conv_ms, conv = timed(lambda: con.execute(CONVERSION, params).fetchall(), args.runs)
    rep_ms, rep = timed(lambda: con.execute(REPEAT, params).fetchall(), args.runs)

    want_conv = sorted((r["key"], r["leads"], r["won"]) for r in report["conversion"]["by_rep"])
    want_rep = sorted((r["key"], r["customers"], r["repeat"]) for r in report["segments"]["repeat_by_customer_type"])
    ok_conv = [tuple(r) for r in conv] == want_conv
    ok_rep = [tuple(r) for r in rep] == want_rep
    if not (ok_conv and ok_rep):
        print("MISMATCH", file=sys.stderr)
        print("conversion duckdb", conv[:5], "reallot", want_conv[:5], file=sys.stderr)
        print("repeat duckdb", rep, "reallot", want_rep, file=sys.stderr)

    rows = [
        ("load all eight CSVs", load_ms, steps["import"]["wall_ms"]),
        ("conversion by rep", conv_ms, steps["conversion_by_rep"]["wall_ms"]),
        ("repeat rate by customer type", rep_ms, steps["repeat_by_segment"]["wall_ms"]),
    ]
    result = {
        "scale": args.scale, "as_of": as_of, "duckdb": duckdb.__version__, "duckdb_threads": threads,
        "same_numbers": {"conversion_by_rep": ok_conv, "repeat_by_customer_type": ok_rep},
        "loadavg": os.getloadavg()[0],
        "rows": [{"what": w, "duckdb_ms": d, "reallot_ms": r, "ratio": d / r} for w, d, r in rows],
    }
    print(json.dumps(result, indent=2))
    return 0 if ok_conv and ok_rep else 1


if __name__ == "__main__":
    sys.exit(main())
