// In-browser bench: the steps of `reallot bench` in WebAssembly inside headless Chromium,
// once on the page's main thread and once in a module worker, with the main thread's long
// tasks (blocking time) for each. A benchmark, not a test: `./x test` does not run it.
//   node bench/browser/run.mjs [--scale s|m|l] [--runs N] [--mode main|worker|both]
//                              [--profile worker-release|release|wasm-release] [--json]
// Needs `npm ci --prefix tests/e2e` (playwright-core) and Debian's /usr/bin/chromium.
// Smoke: node bench/browser/run.mjs --scale s --runs 1
import os from 'node:os';
import path from 'node:path';
import { launch, serve, watchedPage } from '../../tests/e2e/harness.mjs';
import { arg, buildBench, root } from '../wasm/build.mjs';

const scale = arg('scale', 's');
const runs = Number(arg('runs', '3'));
const profile = arg('profile', 'worker-release');
const modes = arg('mode', 'both') === 'both' ? ['main', 'worker'] : [arg('mode', 'main')];
buildBench(profile, 'web', path.join(root, 'target', 'bench-browser', profile));

const { server, base } = await serve(root);
const browser = await launch();
const results = [];
try {
  for (const mode of modes) {
    const { context, page, problems } = await watchedPage(browser, base);
    const pkg = `/target/bench-browser/${profile}/reallot_bench_wasm.js`;
    await page.goto(`${base}/bench/browser/index.html?scale=${scale}&runs=${runs}&mode=${mode}&pkg=${encodeURIComponent(pkg)}`);
    await page.waitForFunction(() => window.benchResult, null, { timeout: 60 * 60 * 1000, polling: 500 });
    const r = await page.evaluate(() => window.benchResult);
    if (r.error) throw new Error(`${mode}: ${r.error}`);
    if (problems.length) throw new Error(`${mode}: ${problems.join('\n')}`);
    results.push(r);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const out = {
  scale, runs, profile, browser: browser.version(), node: process.version,
  cpus: os.cpus().length, loadavg: os.loadavg()[0], date: new Date().toISOString(), results,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(out, null, 2));
} else {
  console.log(`wasm in Chromium ${out.browser} (profile ${profile}), scale ${scale}, median of ${runs}; load ${out.loadavg.toFixed(2)}`);
  for (const r of results) {
    const b = r.main_thread;
    console.log(`\n${r.mode} thread: ${r.tables.leads} leads, ${r.tables.orders} orders, ${r.tables.total_rows} rows; ` +
      `wasm memory ${r.wasm_memory_mb.toFixed(0)} MB`);
    console.log(`main thread: ${b.long_tasks} long tasks, ${b.long_task_ms.toFixed(0)} ms, total blocking ${b.total_blocking_ms.toFixed(0)} ms, longest ${b.longest_ms.toFixed(0)} ms` +
      (r.max_timer_lateness_ms === undefined ? '' : `; 10 ms timer at most ${r.max_timer_lateness_ms.toFixed(0)} ms late`));
    console.log(`${'step'.padEnd(18)} ${'median ms'.padStart(10)} ${'rows'.padStart(10)} ${'rows/s'.padStart(11)} ${'MB/s'.padStart(7)} ${'wasm MB'.padStart(8)}`);
    for (const s of r.steps) {
      console.log(`${s.name.padEnd(18)} ${s.median_ms.toFixed(1).padStart(10)} ${String(s.rows).padStart(10)} ` +
        `${s.rows_per_s.toFixed(0).padStart(11)} ${(s.mb_per_s === null ? '-' : s.mb_per_s.toFixed(1)).padStart(7)} ${s.wasm_memory_mb.toFixed(0).padStart(8)}`);
    }
  }
}
