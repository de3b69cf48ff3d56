// Starts the app's Web Worker as soon as the page is parsed, so that the worker fetches and
// compiles its wasm while the page fetches and compiles its own; the app adopts it on start
// (app/src/worker.rs). When the built-in demo will be the first dataset shown (no other
// dataset is active: the app keeps the active id in localStorage, "reallot.active"), the
// worker is told with "?demo" to build it at once (crates/worker/src/main.rs). A failure to
// start is remembered here for the app; the app sends jobs at once, which the worker's loader
// (worker-boot.js) keeps until its wasm runs.
//
// `booted` settles once the worker's loader has run (its "reallot:boot" message), or failed,
// or after at most half a second. The app mounts after it: Chromium keeps the messages a page
// posts to a dedicated worker in the page until the page has heard that the worker's script
// ran, and it hears that only between the page's tasks; mounting first would hold the first
// jobs behind the whole first render (about a second at 4× CPU throttling).
(() => {
  const early = { worker: null, failed: false, booted: Promise.resolve() };
  let active = null;
  try {
    active = JSON.parse(localStorage.getItem('reallot.active') ?? 'null');
  } catch {
    active = undefined;
  }
  const demo = active === null || active === 'demo';
  try {
    const worker = new Worker('/worker-boot.js' + (demo ? '?demo' : ''));
    early.worker = worker;
    early.booted = new Promise((settle) => {
      // One more task: the browser's own word that the script ran comes before this one.
      const done = () => setTimeout(settle, 0);
      const onMessage = (ev) => {
        if (ev.data === 'reallot:boot') {
          worker.removeEventListener('message', onMessage);
          done();
        }
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', done);
      setTimeout(settle, 500);
    });
    worker.onerror = () => { early.failed = true; };
  } catch {
    early.failed = true;
  }
  window.reallotEarlyWorker = early;
})();
