// Steps on the app that several journeys share: import files, read what is stored and shown.
import { assert } from './harness.mjs';

export const PAGES = ['overview', 'data', 'leads', 'customers', 'pool', 'simulator', 'rep', 'settings'];

/** Waits until `name` is the active dataset: after a reload it loads from IndexedDB
 *  asynchronously, so the label can lag the dataset list. */
export async function activeIs(page, name, what) {
  try {
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="current-dataset"]')?.textContent === n,
      name,
      { timeout: 10_000 },
    );
  } catch {
    const shown = await page.getByTestId('current-dataset').textContent();
    assert(false, `${what}: active dataset is ${shown}, expected ${name}`);
  }
}

/** The row counts the Overview shows for customers, orders and leads. */
export async function sizes(page) {
  await page.getByTestId('nav-overview').click();
  const n = async (t) => Number((await page.getByTestId(`size-${t}`).locator('td').nth(1).textContent()).replace(/\D/g, ''));
  return { customers: await n('customers'), orders: await n('orders'), leads: await n('leads') };
}

/** The test ids of the datasets list's rows. */
export async function storedNames(page) {
  return page.getByTestId('datasets').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.testid));
}

/** Picks `files` (paths or {name, mimeType, buffer}) on the Data page and imports them as
 *  `name` with the detected mappings, waiting for the report. */
export async function importAs(page, base, files, name) {
  await page.goto(base + '/data');
  await page.getByTestId('dataset-row-demo').waitFor();
  await page.getByTestId('file-input').setInputFiles(files);
  const n = Array.isArray(files) ? files.length : 1;
  for (let i = 0; i < n; i++) await page.getByTestId(`mapping-${i}`).waitFor({ timeout: 60_000 });
  await page.getByTestId('dataset-name').fill(name);
  await page.getByTestId('import-button').click();
  await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
  await page.getByTestId(`dataset-row-${name}`).waitFor();
  await activeIs(page, name, `imported ${name}`);
}

/** A leads CSV of `n` rows with 40 reps in 4 regions. */
export function leadsCsv(n) {
  const regions = ['east', 'west', 'north', 'south'];
  const types = ['ka', 'large', 'medium', 'small'];
  const lines = ['lead_id,created_at,source,region,customer_type,est_value,assigned_rep_id,stage'];
  for (let i = 0; i < n; i++) {
    const d = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push(`L${i},${d},web,${regions[i % 4]},${types[i % 4]},${1000 + (i % 977)},R${i % 40},${i % 3 ? 'contacted' : 'won'}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

/** Runs `f(db, arg)` in the page against the app's IndexedDB database (at its current
 *  version) and returns its result; `f` may call `done(request)` to await a request. The
 *  source is composed here and evaluated by the debugger protocol, which the page's CSP does
 *  not govern. */
export async function withDb(page, f, arg = null) {
  return page.evaluate(`(async () => {
    const done = (r) => new Promise((ok, err) => { r.onsuccess = () => ok(r.result); r.onerror = () => err(r.error); });
    const db = await new Promise((ok, err) => {
      const r = indexedDB.open('reallot');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => err(r.error);
    });
    try { return await (${f.toString()})(db, ${JSON.stringify(arg)}); } finally { db.close(); }
  })()`);
}

