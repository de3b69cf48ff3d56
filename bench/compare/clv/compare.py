"""Compare reallot's BG/NBD + Gamma-Gamma fits with the Python `lifetimes` package.

Setup (once, from the repository root):
    python3 -m venv bench/compare/.venv
    bench/compare/.venv/bin/pip install lifetimes
    cargo build --release -p reallot-cli

Run:
    bench/compare/.venv/bin/python bench/compare/clv/compare.py [--sizes 2357,24000,240000,1000000]

For the CDNOW summary (tests/data/clv/cdnow_summary.csv) and for data simulated from the
BG/NBD/Gamma-Gamma story at each size (daily data over two years, the parameters of the Rust
benchmark), it fits both implementations and prints parameters, log-likelihoods, wall time and
CPU time (the CPU time is the fairer figure on a shared machine). The reallot time includes
process start, CSV parsing and the 12-month CLV of every customer
(`reallot clv --summary … --json`).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

warnings.filterwarnings("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
REALLOT = os.path.join(ROOT, "target", "release", "reallot")


def simulate(n, seed=1, t_max=730.0, r=0.8, alpha=40.0, a=0.8, b=4.0, p=6.0, q=4.0, g=15.0):
    rng = np.random.default_rng(seed)
    big_t = np.floor(t_max * (0.25 + 0.75 * rng.random(n)))
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    freq = np.zeros(n, dtype=int)
    rec = np.zeros(n)
    for i in range(n):
        t, x, last, lastday = 0.0, 0, 0.0, 0.0
        while True:
            t += rng.exponential(1.0 / max(lam[i], 1e-12))
            if t > big_t[i]:
                break
            if x == 0 or np.floor(t) > lastday:
                x += 1
            last, lastday = t, np.floor(t)
            if rng.random() < drop[i]:
                break
        freq[i] = x
        rec[i] = np.floor(last) if x > 0 else 0.0
    nu = rng.gamma(q, 1.0 / g, n)
    mon = np.array([rng.gamma(p, 1.0 / nu[i], x).mean() if x > 0 else 0.0 for i, x in enumerate(freq)])
    return pd.DataFrame({"customer_id": np.arange(n), "frequency": freq, "recency": rec, "T": big_t, "monetary": mon})


def run_lifetimes(df):
    t0, c0 = time.perf_counter(), time.process_time()
    bg = BetaGeoFitter(penalizer_coef=0.0).fit(df["frequency"], df["recency"], df["T"])
    rep = df[(df["frequency"] > 0) & (df["monetary"] > 0)]
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(rep["frequency"], rep["monetary"])
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return elapsed, cpu, dict(bg.params_), dict(gg.params_)


def run_reallot(df, unit):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        df.to_csv(f, index=False)
        path = f.name
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0 = ru.ru_utime + ru.ru_stime
    t0 = time.perf_counter()
    out = subprocess.run([REALLOT, "clv", "--summary", path, "--unit", unit, "--json"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime - c0
    os.unlink(path)
    if out.returncode != 0:
        sys.exit(out.stderr)
    v = json.loads(out.stdout)
    return elapsed, cpu, v["bgnbd"], v["gamma_gamma"]


def report(name, df, unit):
    lt, lc, lp, lg = run_lifetimes(df)
    rt, rc, rb, rg = run_reallot(df, unit)
    print(f"## {name}: {len(df)} customers")
    print(f"  lifetimes {lt:8.3f} s wall {lc:8.3f} s cpu  r={lp['r']:.4f} alpha={lp['alpha']:.4f} a={lp['a']:.4f} b={lp['b']:.4f}"
          f" | p={lg['p']:.4f} q={lg['q']:.4f} gamma={lg['v']:.4f}", flush=True)
    print(f"  reallot   {rt:8.3f} s wall {rc:8.3f} s cpu  r={rb['r']:.4f} alpha={rb['alpha']:.4f} a={rb['a']:.4f} b={rb['b']:.4f} LL={rb['log_likelihood']:.2f}"
          f" | p={rg['p']:.4f} q={rg['q']:.4f} gamma={rg['gamma']:.4f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2357,24000,240000,1000000")
    args = ap.parse_args()
    cdnow = pd.read_csv(os.path.join(ROOT, "tests", "data", "clv", "cdnow_summary.csv"))
    report("CDNOW (weeks)", cdnow, "week")
    for n in [int(s) for s in args.sizes.split(",") if s]:
        report("simulated daily", simulate(n), "day")


if __name__ == "__main__":
    main()
