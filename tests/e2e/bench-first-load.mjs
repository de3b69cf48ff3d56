// First-load benchmark (not part of the journeys): serves dist/ as a static host does
// (precompressed brotli or gzip chosen by Accept-Encoding, Content-Length, ETag and a short
// Cache-Control), opens the app in a fresh browser context (cold cache, no service worker) on a
// CPU slowed down 4× (CDP Emulation.setCPUThrottlingRate, on the page and on its worker), and
// measures:
//   - transfer: bytes the server sent (bodies as encoded on the wire) and their raw sizes, for
//     every request until the Overview's KPI numbers are shown, and again once the service
//     worker has cached the shell;
//   - time from navigation start to the first paint, to the Overview page, and to its KPI
//     numbers being shown (the "leads in scope" card's number).
// Usage: node tests/e2e/bench-first-load.mjs [runs=3] [br|gzip|identity] [throttle=4]
// With TRACE=FILE in the environment, the first run is also recorded as a Chromium trace
// (page and worker threads, V8 and wasm compilation included) into FILE, for chrome://tracing
// or Perfetto; TRACE_CPU=1 adds V8's sampling profiler. DIST=DIR serves DIR instead of dist/
// (e.g. a copy whose wasm keeps its function names, for a readable profile).
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { createHash } from 'node:crypto';
import { launch } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = process.env.DIST ?? resolve(here, '../../dist');
const runs = Number(process.argv[2] ?? 3);
const encoding = process.argv[3] ?? 'br';
const throttle = Number(process.argv[4] ?? 4);

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml',
};

/** Every file of dist, raw and precompressed (brotli quality 11, gzip level 9), as a static
 *  host with precompressed assets serves them. */
async function files(dir) {
  const out = new Map();
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    const raw = await readFile(path);
    out.set('/' + relative(dir, path), {
      raw,
      br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
      gzip: gzipSync(raw, { level: 9 }),
      etag: '"' + createHash('sha1').update(raw).digest('hex').slice(0, 16) + '"',
    });
  }
  return out;
}

const dist = await files(root);
let log = [];
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let path = normalize(decodeURIComponent(url.pathname));
  if (path.endsWith('/')) path += 'index.html';
  const file = dist.get(path) ?? (extname(path) ? null : dist.get('/index.html'));
  if (!file) { res.writeHead(404).end(); return; }
  if (req.headers['if-none-match'] === file.etag) {
    log.push({ path, raw: 0, sent: 0 });
    res.writeHead(304, { etag: file.etag }).end();
    return;
  }
  const accepts = req.headers['accept-encoding'] ?? '';
  const enc = encoding !== 'identity' && accepts.includes(encoding) ? encoding : null;
  const body = enc ? file[enc] : file.raw;
  const headers = {
    'content-type': TYPES[extname(path === '/' ? '/index.html' : path)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'max-age=600',
    etag: file.etag,
    vary: 'Accept-Encoding',
  };
  if (enc) headers['content-encoding'] = enc;
  log.push({ path, raw: file.raw.length, sent: body.length });
  res.writeHead(200, headers).end(body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

// Marks when the Overview and its KPI number first appear; added by the debugger protocol,
// which the page's CSP does not govern. The marks reach the bench through a CDP binding
// (`Runtime.addBinding`), not by polling from playwright: polling injects playwright's
// utility script into the page, which cost the page's main thread 0.1–0.3 s at 4× right on
// the path being measured.
const marks = () => {
  const seen = {};
  new MutationObserver(() => {
    const t = performance.now();
    if (!seen.overview && document.querySelector('[data-testid="page-overview"]')) seen.overview = t;
    if (!seen.kpi && document.querySelector('[data-testid="kpi-leads"]')?.textContent) {
      seen.kpi = t;
      window.__reallotMarks?.(JSON.stringify(seen));
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
};

const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);
const browser = await launch();
const results = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  // The worker runs the measures: slow it down too. It is its own target; this session
  // attaches to it (not flattened, so messages go through Target.sendMessageToTarget), holds
  // it at start, throttles it and lets it run.
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  let workerThrottled = false;
  let nextId = 1;
  cdp.on('Target.attachedToTarget', async ({ sessionId, targetInfo }) => {
    const send = (method, params = {}) => cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: nextId++, method, params }) });
    if (targetInfo.type === 'worker') {
      await send('Emulation.setCPUThrottlingRate', { rate: throttle }).catch(() => {});
    }
    await send('Runtime.runIfWaitingForDebugger').catch(() => {});
  });
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const m = JSON.parse(message);
    if (m.id && m.result && !m.error && !workerThrottled) workerThrottled = true;
  });
  await page.addInitScript(marks);
  const tracing = i === 0 && process.env.TRACE;
  if (tracing) {
    await browser.startTracing(page, {
      path: process.env.TRACE,
      categories: ['devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading', ...(process.env.TRACE_CPU ? ['disabled-by-default-v8.cpu_profiler'] : [])],
    });
  }
  const marked = new Promise((ok) => cdp.on('Runtime.bindingCalled', ({ name, payload }) => {
    if (name === '__reallotMarks') ok(JSON.parse(payload));
  }));
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__reallotMarks' });
  log = [];
  await page.goto(base + '/');
  const timing = await Promise.race([
    marked,
    new Promise((_, fail) => setTimeout(() => fail(new Error('no KPI numbers within 120 s')), 120_000)),
  ]);
  if (tracing) await browser.stopTracing();
  // The paint entry is recorded after the paint itself, so it is read once the KPIs are shown.
  timing.fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  const atKpi = log.slice();
  // Then let the service worker cache the shell, as a first visit does.
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.state;
  });
  await page.waitForTimeout(1000);
  const all = log.slice();
  results.push({
    run: i + 1,
    worker_throttled: workerThrottled,
    fcp_ms: Math.round(timing.fcp),
    overview_ms: Math.round(timing.overview),
    kpi_ms: Math.round(timing.kpi),
    requests_at_kpi: atKpi.length,
    sent_at_kpi: sum(atKpi, 'sent'),
    raw_at_kpi: sum(atKpi, 'raw'),
    sent_with_sw: sum(all, 'sent'),
    raw_with_sw: sum(all, 'raw'),
  });
  if (i === 0) {
    for (const r of atKpi) console.error(`${r.path.padEnd(40)} raw ${String(r.raw).padStart(9)}  sent ${String(r.sent).padStart(9)}`);
  }
  await context.close();
}
await browser.close();
server.close();
const med = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({ encoding, throttle, runs: results, median_kpi_ms: med('kpi_ms'), median_sent_at_kpi: med('sent_at_kpi') }, null, 1));
