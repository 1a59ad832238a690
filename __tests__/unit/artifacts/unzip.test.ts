import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackZip } from '../../../src/artifacts/unzip.js';
import { writeZip } from '../../../src/artifacts/zip.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
  dirs.push(dir);
  return dir;
};

describe('unpackZip', () => {
  it('unpacks the top-level files of a zip that writeZip wrote, and leaves out folders', async () => {
    const root = temp();
    const big = 'results '.repeat(100_000);
    fs.writeFileSync(path.join(root, 'results.json'), big);
    fs.writeFileSync(path.join(root, 'shard.json'), '{"format":1}');
    fs.writeFileSync(path.join(root, 'empty.md'), '');
    fs.mkdirSync(path.join(root, 'sub'));
    fs.writeFileSync(path.join(root, 'sub', 'deep.txt'), 'deep');
    const zip = path.join(temp(), 'a.zip');
    const files = ['results.json', 'shard.json', 'empty.md', 'sub/deep.txt'].map((f) => path.join(root, f));
    await writeZip(zip, root, files);

    const out = path.join(temp(), 'out');
    const written = await unpackZip(zip, out);
    expect(written.map((f) => path.basename(f)).sort()).toEqual(['empty.md', 'results.json', 'shard.json']);
    expect(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).toBe(big);
    expect(fs.readFileSync(path.join(out, 'shard.json'), 'utf8')).toBe('{"format":1}');
    expect(fs.existsSync(path.join(out, 'sub'))).toBe(false);
  });

  it('refuses a file that is not a zip, naming it', async () => {
    const file = path.join(temp(), 'not.zip');
    fs.writeFileSync(file, 'plain text, long enough to be looked through for a zip directory');
    await expect(unpackZip(file, temp())).rejects.toThrow(`${file} is not a zip`);
  });
});
