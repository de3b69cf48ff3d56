// The Web Worker's loader (in place of Trunk's generated one): it keeps the messages that
// arrive while the worker's wasm is fetched and compiled, and hands them to the worker's own
// handler once `main` has set it, in the order they came. The page can then send its first
// jobs as soon as it has them instead of waiting for the worker's "ready"; a message that
// arrived before a handler was set would otherwise be lost.
const early = [];
self.onmessage = (ev) => {
  early.push(ev);
};
importScripts('./reallot-worker.js');
wasm_bindgen('./reallot-worker_bg.wasm').then(() => {
  for (const ev of early.splice(0)) self.onmessage(ev);
});
