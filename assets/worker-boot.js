// The Web Worker's loader (in place of Trunk's generated one): it keeps the messages that
// arrive while the worker's wasm is fetched and compiled, and hands them to the worker's own
// handler once `main` has set it, in the order they came. The page can then send its first
// jobs as soon as it has them instead of waiting for the worker's "ready"; a message that
// arrived before a handler was set would otherwise be lost.
const early = [];
self.onmessage = (ev) => {
  early.push(ev);
};
// The wasm downloads while the glue below is fetched and run (importScripts blocks).
const wasm = fetch('./reallot-worker_bg.wasm');
importScripts('./reallot-worker.js');
// Tells the page this script has run (in a task after it, so after the browser has told the
// page so too): until then the browser holds the page's messages to the worker in the page,
// and hands them on only between the page's tasks. The page waits for this before its first
// render, one long task (see worker-start.js).
setTimeout(() => self.postMessage('reallot:boot'), 0);
wasm_bindgen({ module_or_path: wasm }).then(() => {
  for (const ev of early.splice(0)) self.onmessage(ev);
});
