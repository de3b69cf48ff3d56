// Runs every journey in journeys/ against the built app in dist/ and prints
// "N passed, N failed". Usage: node tests/e2e/run.mjs [name-filter]
import { readdir, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, watchedPage } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../../dist');
const artifacts = join(here, 'artifacts');
await mkdir(artifacts, { recursive: true });
const filter = process.argv[2] ?? '';

const files = (await readdir(join(here, 'journeys'))).filter((f) => f.endsWith('.mjs')).sort();
const journeys = [];
for (const f of files) {
  const mod = await import(join(here, 'journeys', f));
  for (const j of mod.journeys) if (j.name.includes(filter)) journeys.push(j);
}

const { server, base } = await serve(dist);
const browser = await launch();
let passed = 0;
let failed = 0;
for (const j of journeys) {
  const { context, page, problems } = await watchedPage(browser, base, j.context ?? {});
  const started = Date.now();
  try {
    await j.run({ page, base, context, artifacts, problems });
    if (problems.length) throw new Error(problems.join('\n'));
    passed++;
    console.log(`ok   ${j.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${j.name}\n     ${String(e.stack ?? e).split('\n').join('\n     ')}`);
    await page.screenshot({ path: join(artifacts, `fail-${j.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
  } finally {
    await context.close();
  }
}
await browser.close();
server.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || journeys.length === 0 ? 1 : 0);
