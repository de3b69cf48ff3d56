// The bad-input corpus (tests/data/bad/, plus a 50 MB line and two zip bombs made here) in the
// app: each file gives a clear, located message in bounded time, the loadable ones import with
// their findings reported, and the dataset stored before stays intact.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { assert } from '../harness.mjs';
import { activeIs, importAs, sizes, storedNames } from '../app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bad = resolve(here, '../../data/bad');
const fixtures = resolve(here, '../../data/import');

/** A one-part workbook whose shared strings are `n` spaces, declaring `declared` bytes. */
function zipBomb(n, declared) {
  const name = Buffer.from('xl/sharedStrings.xml');
  const plain = Buffer.alloc(n, 0x20);
  const data = deflateRawSync(plain, { level: 9 });
  const crc = crc32(plain);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

const file = async (name) => ({ name, mimeType: 'application/octet-stream', buffer: await readFile(join(bad, name)) });

/** Files refused outright, with the message each must give (a prefix where the rest is long). */
async function refused(artifacts) {
  // Playwright hands over buffers up to 50 MB only; the line goes through a file.
  const line = join(artifacts, 'line.csv');
  await writeFile(line, Buffer.alloc(50 << 20, 'x'));
  return [
    [await file('empty.csv'), 'empty.csv: the file is empty'],
    [await file('garbage.csv'), 'garbage.csv: byte 1: neither valid utf-8 nor gb18030/gbk; choose the encoding explicitly'],
    [await file('no_table.csv'), 'no_table.csv: cannot tell which table this is (columns: colour, weight, flavour); name the table explicitly'],
    [await file('mixed_encoding.csv'), 'mixed_encoding.csv: byte 50: line 3: mixed encodings: '],
    [line,
      `line.csv: cannot tell which table this is (columns: ${'x'.repeat(200)}… (52428800 bytes)); name the table explicitly`],
    [{ name: 'lying.xlsx', mimeType: 'application/octet-stream', buffer: zipBomb(64 << 20, 1000) },
      'lying.xlsx: too large: part xl/sharedStrings.xml unzips to more than the 1000 bytes it declares (a zip bomb?)'],
    [{ name: 'huge.xlsx', mimeType: 'application/octet-stream', buffer: zipBomb(1 << 20, 2 ** 31) },
      'huge.xlsx: too large: part xl/sharedStrings.xml unzips to 2147483648 bytes; a workbook may unzip to at most 1073741824 bytes'],
  ];
}

const LOADABLE = ['unclosed_quote.csv', 'leads.csv', 'duplicated_headers.csv', 'year_9999.csv', 'negative_amounts.csv', 'full_used_range.xlsx'];

export const journeys = [
  {
    name: 'bad input: every corpus file is refused or flagged with a located message, nothing stored is lost',
    context: { viewport: { width: 1024, height: 900 } },
    async run({ page, base, artifacts }) {
      const corpus = (await readdir(bad)).filter((f) => !f.endsWith('.py')).sort();
      const covered = [...LOADABLE, 'empty.csv', 'garbage.csv', 'no_table.csv', 'mixed_encoding.csv'].sort();
      assert(JSON.stringify(corpus) === JSON.stringify(covered), `corpus changed: ${corpus}`);
      await importAs(page, base, [join(fixtures, 'customers_gbk.csv'), join(fixtures, 'orders.xlsx')], 'safe');
      const before = await sizes(page);

      await page.goto(base + '/data');
      for (const [input, message] of await refused(artifacts)) {
        const label = input.name ?? 'line.csv';
        const t0 = Date.now();
        await page.getByTestId('file-input').setInputFiles(input);
        const card = page.getByTestId('file-0');
        const shown = await card.getByTestId('file-error').textContent({ timeout: 30_000 });
        assert(shown.startsWith(message), `${label}: ${shown.slice(0, 400)}`);
        assert(shown.length < 1000, `${label}: message of ${shown.length} chars`);
        await page.getByTestId('import-button').click();
        const refusal = await page.getByTestId('import-error').textContent();
        assert(refusal.startsWith(message.slice(0, 20)), `${label}: import refused with ${refusal.slice(0, 200)}`);
        console.log(`     ${label}: refused in ${Date.now() - t0} ms`);
        await card.getByRole('button').first().click();
        await card.waitFor({ state: 'detached' });
      }

      await page.getByTestId('file-input').setInputFiles(await Promise.all(LOADABLE.map(file)));
      for (let i = 0; i < LOADABLE.length; i++) await page.getByTestId(`mapping-${i}`).waitFor({ timeout: 30_000 });
      const cards = await page.locator('[data-testid^="file-"].filecard').allTextContents();
      const all = cards.join('\n');
      assert(all.includes('a quoted field never closed') && all.includes('quote opened on line 3'), 'unclosed quote located');
      assert(all.includes('the file is named for leads but its columns fit orders'), 'table mismatch said');
      assert(all.includes('column 3 repeats column 1'), 'repeated header located');
      await page.getByTestId('dataset-name').fill('flagged');
      await page.getByTestId('import-button').click();
      const report = await page.getByTestId('import-report').textContent({ timeout: 30_000 });
      assert(report.includes('created_at after the as-of date') && report.includes('9999-12-31'), 'year 9999 flagged');
      assert(report.includes('amount below zero'), 'negative amounts flagged');
      await page.screenshot({ path: join(artifacts, 'bad-input-report.png'), fullPage: true });

      await page.reload();
      await page.getByTestId('dataset-row-safe').waitFor();
      const names = await storedNames(page);
      assert(names.includes('dataset-row-safe') && names.includes('dataset-row-flagged'), `stored: ${names}`);
      await page.getByTestId('dataset-row-safe').getByTestId('dataset-open').click();
      await activeIs(page, 'safe', 'the earlier dataset opens');
      assert(JSON.stringify(await sizes(page)) === JSON.stringify(before), 'stored data intact');
    },
  },
];
