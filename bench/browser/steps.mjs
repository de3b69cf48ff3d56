// The steps of `reallot bench`, run in WebAssembly through the reallot-bench-wasm bindings.
// Shared by the page (main-thread mode) and the worker (worker mode) of bench/browser.
// `pkg` is the wasm-bindgen `--target web` module; the clock is read here, never in wasm.

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs every step `runs` times; yields to the event loop between calls so each call is one task. */
export async function runSteps(pkg, { scale, runs, seed = 42n, simRuns = 1 }) {
  const wasm = await pkg.default();
  const pause = () => new Promise((ok) => setTimeout(ok, 0));
  const steps = [];
  let bench = null;
  const time = async (name, call, rows, bytes = null) => {
    const ms = [];
    let value;
    for (let i = 0; i < runs; i++) {
      await pause();
      const t = performance.now();
      value = call();
      ms.push(performance.now() - t);
    }
    const m = median(ms);
    const r = typeof rows === 'function' ? rows(value) : rows;
    steps.push({
      name, median_ms: m, min_ms: Math.min(...ms), max_ms: Math.max(...ms), rows: r, bytes,
      rows_per_s: r / (m / 1000), mb_per_s: bytes === null ? null : bytes / 1e6 / (m / 1000),
      wasm_memory_mb: wasm.memory.buffer.byteLength / 1e6,
    });
    return value;
  };
  await time('demo', () => {
    if (bench) bench.free();
    bench = new pkg.Bench(scale, seed);
    return bench.total_rows();
  }, (v) => v);
  const total = bench.total_rows();
  const bytes = bench.write_csv();
  await time('write_csv', () => bench.write_csv(), total, bytes);
  await time('import', () => bench.import(), (v) => v, bytes);
  await time('lead_measures', () => bench.lead_report(), bench.leads());
  await time('customer_measures', () => bench.customer_report(), bench.orders());
  await time('conversion_by_rep', () => bench.conversion_by_rep(), bench.leads());
  await time('repeat_by_segment', () => bench.repeat_by_segment(), bench.orders());
  const summaries = bench.prepare_clv();
  await time('clv_fit', () => bench.clv_fit(), summaries);
  await time('simulation', () => bench.simulate(simRuns), (v) => v);
  const tables = { leads: bench.leads(), orders: bench.orders(), customers: bench.customers(), total_rows: total };
  bench.free();
  return { tables, steps, wasm_memory_mb: wasm.memory.buffer.byteLength / 1e6 };
}
