// Times the simulator in WebAssembly under Node, on one thread as one Web Worker would run it:
// `Bench.simulate(runs)` prepares the simulation (history, model fit) and runs the scenario of
// `reallot bench` (examples/compare-strategies.toml: 5 strategies) `runs` times. Two call
// sizes separate the one-off preparation from the per-run cost:
//   per run = (time(runs) − time(1)) / (runs − 1),  prepare ≈ time(1) − per run.
//   node bench/wasm/sim.mjs [--scale s|m|l] [--runs N] [--profile worker-release|wasm-release|release] [--json]
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import os from 'node:os';
import { arg, buildBench, root } from './build.mjs';

const scale = arg('scale', 'm');
const runs = Math.max(2, Number(arg('runs', '5')));
const profile = arg('profile', 'worker-release');
const module = buildBench(profile, 'nodejs', path.join(root, 'target', 'bench-wasm'));
const { Bench } = createRequire(import.meta.url)(module);

const bench = new Bench(scale, 42n);
const timed = (n) => {
  const t = performance.now();
  bench.simulate(n);
  return performance.now() - t;
};
const loadBefore = os.loadavg()[0];
const one = timed(1);
const many = timed(runs);
const perRun = (many - one) / (runs - 1);
const result = {
  scale, profile, leads: bench.leads(), strategies: 5, runs, node: process.version,
  cpus: os.cpus().length, loadavg_before: loadBefore, loadavg_after: os.loadavg()[0],
  one_run_ms: one, runs_ms: many, per_run_all_strategies_ms: perRun,
  prepare_ms: one - perRun, hundred_runs_one_thread_s: (one - perRun + 100 * perRun) / 1000,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`wasm (Node ${result.node}, profile ${profile}), scale ${scale}: ${result.leads} leads, load ${loadBefore.toFixed(1)} → ${result.loadavg_after.toFixed(1)}`);
  console.log(`simulate(1)  ${one.toFixed(0)} ms; simulate(${runs}) ${many.toFixed(0)} ms`);
  console.log(`per run of 5 strategies ${perRun.toFixed(0)} ms; prepare ≈ ${(one - perRun).toFixed(0)} ms`);
  console.log(`100 runs on one thread ≈ ${result.hundred_runs_one_thread_s.toFixed(1)} s (extrapolated)`);
}
