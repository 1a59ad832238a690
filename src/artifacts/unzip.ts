import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';

/** Shard artifacts are a few small files: a larger zip is not one, and is not read into memory. */
const MAX_ZIP_BYTES = 256 * 1024 * 1024;

/**
 * Unpacks the files at the top of the zip `file` into `dir`, as the artifact client unpacks a download; entries
 * in folders are left out (a shard artifact has none). Reads what `writeZip` writes: stored or deflated
 * entries, no zip64. Returns the paths written.
 */
export async function unpackZip(file: string, dir: string): Promise<string[]> {
  const { size } = await fsp.stat(file);
  if (size > MAX_ZIP_BYTES) throw new Error(`${file} is ${size} bytes, more than a shard artifact holds`);
  const zip = await fsp.readFile(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  await fsp.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const packed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip
      .subarray(at + 46, at + 46 + nameLen)
      .toString('utf8')
      .replace(/^\/+/, '');
    at += 46 + nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..') continue;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${file}: bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + packed);
    if (method !== 0 && method !== 8) throw new Error(`${file}: ${name} uses compression method ${method}`);
    const target = path.join(dir, name);
    await fsp.writeFile(target, method === 0 ? raw : zlib.inflateRawSync(raw, { maxOutputLength: MAX_ZIP_BYTES }));
    written.push(target);
  }
  return written;
}
