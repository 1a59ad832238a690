import fs from 'node:fs';
import path from 'node:path';
import type { ShardRef } from '../types.js';
import { redactText } from '../util/redact.js';
import { SHARD_FILES, readShard, type ShardData, type ShardManifest } from './manifest.js';

/**
 * Writes a shard's artifact into `dir`: shard.json, and each of `texts` by file name (results.json, summary.md,
 * and any other file the shard hands on, such as its report), already redacted. Returns the paths written.
 */
export function writeShardFiles(dir: string, manifest: ShardManifest, texts: Record<string, string>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const contents: [string, string][] = [[SHARD_FILES.manifest, JSON.stringify(manifest)], ...Object.entries(texts)];
  return contents.map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}

/**
 * Reads the shard artifact `name`, downloaded or unpacked into `dir` (see `readShard` for the checks). What it
 * says of its agents is scrubbed of `secrets` as it is read: the one point where results enter this step.
 */
export function readShardFolder(name: string, shard: ShardRef, dir: string, secrets: readonly string[]): ShardData {
  const read = (file: string) => {
    try {
      return redactText(fs.readFileSync(path.join(dir, file), 'utf8'), secrets);
    } catch (err) {
      throw new Error(`Shard artifact ${name} has no ${file} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
  };
  const answers = fs.existsSync(path.join(dir, SHARD_FILES.answers)) ? read(SHARD_FILES.answers) : undefined;
  return readShard(name, shard, read(SHARD_FILES.manifest), read(SHARD_FILES.results), answers);
}
