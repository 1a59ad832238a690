import { createWriteStream } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import archiver from 'archiver';

/** Writes `files` (under `root`) to the zip `file`, as the artifact client would lay them out. */
export async function writeZip(file: string, root: string, files: readonly string[]): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    const archive = archiver('zip', { zlib: { level: 6 } });
    const written = pipeline(archive, createWriteStream(partial));
    for (const f of files) archive.file(f, { name: path.relative(root, f).split(path.sep).join('/') });
    await Promise.all([archive.finalize(), written]);
    await fsp.rename(partial, file);
  } finally {
    await fsp.rm(partial, { force: true });
  }
}
