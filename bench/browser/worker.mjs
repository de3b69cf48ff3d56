// Worker side of bench/browser: runs the steps off the page's thread and posts the result.
import { runSteps } from './steps.mjs';

self.onmessage = async ({ data }) => {
  try {
    const pkg = await import(data.pkg);
    self.postMessage({ ok: await runSteps(pkg, data.options) });
  } catch (e) {
    self.postMessage({ error: String(e && e.stack ? e.stack : e) });
  }
};
