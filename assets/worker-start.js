// Starts the app's Web Worker as soon as the page is parsed, so that the worker fetches and
// compiles its wasm while the page fetches and compiles its own; the app adopts it on start
// (app/src/worker.rs). When the built-in demo will be the first dataset shown (no other
// dataset is active: the app keeps the active id in localStorage, "reallot.active"), the
// worker is told with "?demo" to build it at once (crates/worker/src/main.rs). A failure to
// start is remembered here for the app; the app sends jobs at once, which the worker's loader
// (worker-boot.js) keeps until its wasm runs.
(() => {
  const early = { worker: null, failed: false };
  let active = null;
  try {
    active = JSON.parse(localStorage.getItem('reallot.active') ?? 'null');
  } catch {
    active = undefined;
  }
  const demo = active === null || active === 'demo';
  try {
    early.worker = new Worker('/worker-boot.js' + (demo ? '?demo' : ''));
    early.worker.onerror = () => { early.failed = true; };
  } catch {
    early.failed = true;
  }
  window.reallotEarlyWorker = early;
})();
