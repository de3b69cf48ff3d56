// Times the core's measures in WebAssembly under Node: builds bench/wasm with the Web Worker's
// worker-release profile, binds it with wasm-bindgen, and reports the median of N calls.
//   node bench/wasm/run.mjs [--scale s|m|l] [--runs N]
//                           [--profile worker-release|wasm-release|release] [--customers] [--json]
// The default profile is the worker's (speed, fat LTO); `wasm-release` is the page's
// (size-optimised), kept for comparison.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import os from 'node:os';
import { arg, buildBench, root } from './build.mjs';

const scale = arg('scale', 'l');
const runs = Number(arg('runs', '5'));
const profile = arg('profile', 'worker-release');
const module = buildBench(profile, 'nodejs', path.join(root, 'target', 'bench-wasm'));
const { Bench } = createRequire(import.meta.url)(module);

const t0 = performance.now();
const bench = new Bench(scale, 42n);
const genMs = performance.now() - t0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f) => {
  f(); // warm-up
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return { median_ms: median(ms), min_ms: Math.min(...ms), max_ms: Math.max(...ms) };
};
const result = {
  scale, runs, profile, leads: bench.leads(), orders: bench.orders(), demo_ms: genMs,
  node: process.version, cpus: os.cpus().length, loadavg: os.loadavg()[0],
  measure_base: time(() => bench.measure_base()),
  lead_frame: time(() => bench.lead_frame()),
  lead_report: time(() => bench.lead_report()),
  lead_report_filtered: time(() => bench.lead_report_filtered()),
  customer_report: scale === 'l' && !process.argv.includes('--customers') ? null : time(() => bench.customer_report()),
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`wasm (Node ${result.node}, profile ${profile}), scale ${scale}: ${result.leads} leads, ${result.orders} orders; load ${result.loadavg.toFixed(1)}`);
  for (const k of ['measure_base', 'lead_frame', 'lead_report', 'lead_report_filtered', 'customer_report']) {
    if (result[k]) console.log(`${k.padEnd(21)} median ${result[k].median_ms.toFixed(1)} ms (min ${result[k].min_ms.toFixed(1)}, max ${result[k].max_ms.toFixed(1)})`);
  }
}
