// Storage faults against real IndexedDB: a full quota during an import, the tab closed
// mid-import, a database of the older schema version on disk, and damaged records. Each time
// the app recovers, says what happened, and keeps every dataset it had.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from '../harness.mjs';
import { activeIs, importAs, leadsCsv, sizes, storedNames, withDb } from '../app.mjs';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/import');
const SMALL = [join(fixtures, 'customers_gbk.csv'), join(fixtures, 'orders.xlsx')];

/** What Chromium does when a write would pass the origin's quota: the transaction aborts at
 *  commit with a QuotaExceededError. Installed before the app's scripts; a transaction that
 *  puts more than `limit` bytes of chunks is refused that way. (CDP's
 *  Storage.overrideQuotaForOrigin is accepted by Chromium 156 here but changes nothing.) */
function fullQuotaShim(limit) {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    const tx = this.transaction;
    if (this.name === 'blobs' && !tx.quotaRefused) {
      tx.quotaBytes = (tx.quotaBytes ?? 0) + (value?.byteLength ?? 0);
      if (tx.quotaBytes > limit) {
        tx.quotaRefused = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        Object.defineProperty(tx, 'error', { get: () => tx.quotaRefused });
        queueMicrotask(() => tx.abort());
      }
    }
    return put.call(this, value, key);
  };
}
const QUOTA_BYTES = 200 * 1024;

/** Chunks without a dataset, and journal records left behind. */
async function leftovers(page) {
  return withDb(page, async (db) => {
    const tx = db.transaction(['datasets', 'blobs', 'journal']);
    const ids = await done(tx.objectStore('datasets').getAllKeys());
    const keys = await done(tx.objectStore('blobs').getAllKeys());
    const journal = await done(tx.objectStore('journal').count());
    return { orphanChunks: keys.filter((k) => !ids.includes(k[0])).length, journal };
  });
}

/** Reloads the Data page and waits until the stored datasets are listed. */
async function reopen(page, base, name) {
  await page.goto(base + '/data');
  await page.getByTestId(`dataset-row-${name}`).waitFor();
}

export const journeys = [
  {
    name: 'storage: a full quota during import is reported and the stored datasets stay',
    async run({ page, base }) {
      await page.addInitScript(fullQuotaShim, QUOTA_BYTES);
      await importAs(page, base, SMALL, 'before-quota');
      const before = await sizes(page);
      await page.goto(base + '/data');
      await page.getByTestId('file-input').setInputFiles({ name: 'leads-big.csv', mimeType: 'text/csv', buffer: leadsCsv(100_000) });
      await page.getByTestId('mapping-0').waitFor({ timeout: 60_000 });
      await page.getByTestId('dataset-name').fill('too-big');
      await page.getByTestId('import-button').click();
      const err = await page.getByTestId('import-error').textContent({ timeout: 60_000 });
      assert(err.startsWith('storage is full'), `quota error: ${err}`);
      assert((await page.getByTestId('dataset-row-too-big').count()) === 0, 'nothing listed');
      await reopen(page, base, 'before-quota');
      await activeIs(page, 'before-quota', 'still active');
      assert(!(await storedNames(page)).includes('dataset-row-too-big'), 'nothing stored');
      assert(JSON.stringify(await sizes(page)) === JSON.stringify(before), 'stored data intact');
      const left = await leftovers(page);
      assert(left.orphanChunks === 0 && left.journal === 0, `leftovers ${JSON.stringify(left)}`);
    },
  },
  {
    name: 'storage: a tab closed mid-import is reported on the next visit and nothing half-stored',
    async run({ page, base, context, problems }) {
      await importAs(page, base, SMALL, 'kept');
      await page.goto(base + '/data');
      await page.getByTestId('file-input').setInputFiles({ name: 'leads-big.csv', mimeType: 'text/csv', buffer: leadsCsv(300_000) });
      await page.getByTestId('mapping-0').waitFor({ timeout: 60_000 });
      await page.getByTestId('dataset-name').fill('cut-short');
      await page.getByTestId('import-button').click();
      await page.getByTestId('progress').waitFor({ timeout: 5_000 });
      await page.close();

      const again = await context.newPage();
      again.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      again.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
      await reopen(again, base, 'kept');
      const notice = await again.getByTestId('interrupted-import').textContent();
      assert(notice.includes('cut-short'), `interrupted import named: ${notice}`);
      assert(!(await storedNames(again)).includes('dataset-row-cut-short'), 'nothing of it stored');
      await activeIs(again, 'kept', 'the dataset active before stays active');
      const left = await leftovers(again);
      assert(left.orphanChunks === 0 && left.journal === 0, `leftovers ${JSON.stringify(left)}`);
      await again.reload();
      await again.getByTestId('dataset-row-kept').waitFor();
      await again.waitForTimeout(300);
      assert((await again.getByTestId('interrupted-import').count()) === 0, 'reported once');
      const s = await sizes(again);
      assert(s.customers === 3 && s.orders === 3, `kept intact: ${JSON.stringify(s)}`);
    },
  },
  {
    name: 'storage: a database of schema version 1 is migrated with its datasets',
    async run({ page, base, context, artifacts }) {
      // A real dataset's bytes, from a backup made in a separate profile.
      const other = await context.browser().newContext();
      const maker = await other.newPage();
      await importAs(maker, base, SMALL, 'legacy');
      const [download] = await Promise.all([
        maker.waitForEvent('download'),
        maker.getByTestId('dataset-row-legacy').getByTestId('dataset-backup').click(),
      ]);
      const file = join(artifacts, 'legacy.reallot');
      await download.saveAs(file);
      const bytes = [...(await (await import('node:fs/promises')).readFile(file))];
      const expected = await sizes(maker);
      await other.close();

      // Version 1 on disk, as the first released app wrote it: two stores, no journal.
      await page.route(base + '/v1-writer', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>v1</title>' }));
      await page.goto(base + '/v1-writer');
      await page.evaluate(async (data) => {
        const db = await new Promise((ok, err) => {
          const r = indexedDB.open('reallot', 1);
          r.onupgradeneeded = () => {
            r.result.createObjectStore('datasets', { keyPath: 'id' });
            r.result.createObjectStore('blobs');
          };
          r.onsuccess = () => ok(r.result);
          r.onerror = () => err(r.error);
        });
        const tx = db.transaction(['datasets', 'blobs'], 'readwrite');
        tx.objectStore('blobs').put(new Uint8Array(data), ['ds-v1', 0]);
        tx.objectStore('datasets').put({ id: 'ds-v1', name: 'legacy', created_ms: 1700000000000, bytes: data.length, chunks: 1, format: 1, rows: 6 });
        await new Promise((ok, err) => { tx.oncomplete = ok; tx.onabort = () => err(tx.error); });
        db.close();
      }, bytes);

      await reopen(page, base, 'legacy');
      const schema = await withDb(page, async (db) => ({ version: db.version, stores: [...db.objectStoreNames].sort() }));
      assert(schema.version === 3, `migrated to version ${schema.version}`);
      assert(JSON.stringify(schema.stores) === '["blobs","datasets","journal","scenarios"]', `stores ${schema.stores}`);
      await page.getByTestId('dataset-row-legacy').getByTestId('dataset-open').click();
      await activeIs(page, 'legacy', 'the migrated dataset opens');
      assert(JSON.stringify(await sizes(page)) === JSON.stringify(expected), 'same rows as before the migration');
    },
  },
  {
    name: 'storage: damaged records are named, kept, and the other datasets still open',
    async run({ page, base }) {
      await importAs(page, base, SMALL, 'healthy');
      await importAs(page, base, SMALL, 'damaged');
      await withDb(page, async (db) => {
        const tx = db.transaction(['datasets', 'blobs'], 'readwrite');
        const metas = await done(tx.objectStore('datasets').getAll());
        const id = metas.find((m) => m.name === 'damaged').id;
        const chunk = await done(tx.objectStore('blobs').get([id, 0]));
        chunk[Math.floor(chunk.length / 2)] ^= 0xff;
        tx.objectStore('blobs').put(chunk, [id, 0]);
        tx.objectStore('datasets').put({ id: 'not-a-meta', garbage: true });
        await new Promise((ok, err) => { tx.oncomplete = ok; tx.onabort = () => err(tx.error); });
      });
      // 'damaged' was active: reopening the app must not fail on it.
      await page.reload();
      await page.getByTestId('storage-error').waitFor();
      // The list's problem and the open failure arrive one after the other.
      await page.waitForFunction(() => (document.querySelector('[data-testid="storage-error"]')?.querySelectorAll('li').length ?? 0) >= 2, null, { timeout: 10_000 }).catch(() => {});
      const errors = await page.getByTestId('storage-error').textContent();
      assert(errors.includes('dataset "damaged" could not be opened: the dataset file is damaged'), errors);
      assert(errors.includes('1 stored dataset record could not be read'), errors);
      await page.getByTestId('nav-data').click();
      await activeIs(page, 'demo', 'falls back to the demo');
      const names = await storedNames(page);
      assert(names.includes('dataset-row-healthy') && names.includes('dataset-row-damaged'), `both still listed: ${names}`);
      await page.getByTestId('dataset-row-healthy').getByTestId('dataset-open').click();
      await activeIs(page, 'healthy', 'the healthy one opens');
      const s = await sizes(page);
      assert(s.customers === 3 && s.orders === 3, `healthy intact: ${JSON.stringify(s)}`);
      const kept = await withDb(page, async (db) => done(db.transaction('datasets').objectStore('datasets').count()));
      assert(kept === 3, `the damaged records are kept for the user to delete: ${kept}`);
    },
  },
];
