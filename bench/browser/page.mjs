// Page side of bench/browser: runs the steps on this thread (mode=main) or in a module worker
// (mode=worker) and records this thread's long tasks meanwhile. The result lands in
// `window.benchResult` for the Playwright driver (bench/browser/run.mjs) to read.
import { runSteps } from './steps.mjs';

const q = new URLSearchParams(location.search);
const options = { scale: q.get('scale') ?? 's', runs: Number(q.get('runs') ?? '1'), simRuns: 1 };
const mode = q.get('mode') ?? 'main';
const pkgUrl = new URL(q.get('pkg'), location.href).href;

const longTasks = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries()))
  .observe({ type: 'longtask', buffered: true });

function blocking(from, to) {
  const within = longTasks.filter((t) => t.startTime >= from && t.startTime < to);
  return {
    long_tasks: within.length,
    long_task_ms: within.reduce((s, t) => s + t.duration, 0),
    // Total blocking time as Lighthouse counts it: the part of each long task past 50 ms.
    total_blocking_ms: within.reduce((s, t) => s + Math.max(0, t.duration - 50), 0),
    longest_ms: within.reduce((m, t) => Math.max(m, t.duration), 0),
  };
}

async function inWorker() {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  // A timer on this thread shows whether the page could still run work while the worker
  // computes: its worst lateness is the page's worst delay to a click or a frame.
  let late = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    late = Math.max(late, now - last - 10);
    last = now;
  }, 10);
  const reply = await new Promise((ok) => {
    worker.onmessage = (e) => ok(e.data);
    worker.onerror = (e) => ok({ error: e.message });
    worker.postMessage({ pkg: pkgUrl, options });
  });
  clearInterval(tick);
  worker.terminate();
  if (reply.error) throw new Error(reply.error);
  return { ...reply.ok, max_timer_lateness_ms: late };
}

async function main() {
  const from = performance.now();
  const result = mode === 'worker' ? await inWorker() : await runSteps(await import(pkgUrl), options);
  // Long-task entries arrive after their task ends; give the observer one more turn.
  await new Promise((ok) => setTimeout(ok, 100));
  const to = performance.now();
  const js = performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null;
  return { mode, ...options, ...result, main_thread: blocking(from, to), js_heap_mb: js, wall_ms: to - from };
}

main().then(
  (r) => { window.benchResult = r; document.getElementById('status').textContent = 'done'; },
  (e) => { window.benchResult = { error: String(e && e.stack ? e.stack : e) }; },
);
