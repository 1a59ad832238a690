import { constants } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { looksBinary, redactFile } from '../util/redact.js';

/**
 * The agent's log files that are uploaded, at the top of its folder and of each `attempt-N/` folder, and the
 * patch of what it changed in a worktree or copy (whose `workspace/` then holds only the files it added or changed).
 */
const LOG_FILES: readonly string[] = [
  'result.md',
  'result.json',
  'events.jsonl',
  'stderr.log',
  'structured.json',
  'changes.patch',
  // How the agent ended, for a re-run to read back (rerun/agent-record.ts).
  'agent.json',
  // What a later job needs to apply the patch (changes/change-record.ts).
  'change.json',
];
const ATTEMPT_DIR = /^attempt-\d+$/;
/** Characters the artifact service refuses in a file path (one such file would fail the whole upload). */
const BAD_PATH_CHARS = /[":<>|*?\r\n]/;
const SNIFF_BYTES = 8 * 1024;
// Not defined on Windows, where symlinks are left out by lstat alone.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export interface StageResult {
  /** Absolute paths of the staged files (empty folders are left out). */
  files: string[];
  /** Paths (relative to the agent's folder) that were left out, with the reason. */
  skipped: string[];
}

/**
 * Copies what is uploaded from an agent's folder into `dest`, replacing the secret patterns in text files:
 * the log files, `workspace/` and each `attempt-N/` folder. `config/` (the agent's CLI config, with its
 * credentials) is never copied, nor any `.git` entry, symlink (never followed), or other non-regular file.
 */
export async function stageAgentFolder(
  outputDir: string,
  dest: string,
  patterns: readonly Buffer[],
): Promise<StageResult> {
  const result: StageResult = { files: [], skipped: [] };
  await fsp.mkdir(dest, { recursive: true });
  await stageTop(outputDir, dest, '', true, patterns, result);
  return result;
}

async function stageTop(
  src: string,
  dest: string,
  rel: string,
  outer: boolean,
  patterns: readonly Buffer[],
  result: StageResult,
): Promise<void> {
  for (const entry of await listDir(src)) {
    const name = entry.name;
    const from = path.join(src, name);
    const to = path.join(dest, name);
    const relPath = rel ? `${rel}/${name}` : name;
    if (entry.isFile() && LOG_FILES.includes(name)) {
      await copyFile(from, to, relPath, patterns, result);
    } else if (entry.isDirectory() && name === 'workspace') {
      await stageTree(from, to, relPath, patterns, result);
    } else if (entry.isDirectory() && outer && ATTEMPT_DIR.test(name)) {
      await fsp.mkdir(to);
      await stageTop(from, to, relPath, false, patterns, result);
    } else if (entry.isSymbolicLink()) {
      result.skipped.push(`${relPath} (symlink)`);
    }
    // Anything else at the top (config/, the runner's own files) is not part of the artifact.
  }
}

async function stageTree(
  src: string,
  dest: string,
  rel: string,
  patterns: readonly Buffer[],
  result: StageResult,
): Promise<void> {
  await fsp.mkdir(dest);
  for (const entry of await listDir(src)) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    const relPath = `${rel}/${entry.name}`;
    if (entry.name === '.git') result.skipped.push(`${relPath} (git metadata)`);
    else if (BAD_PATH_CHARS.test(entry.name)) result.skipped.push(`${relPath} (name not allowed in an artifact)`);
    else if (entry.isSymbolicLink()) result.skipped.push(`${relPath} (symlink)`);
    else if (entry.isDirectory()) await stageTree(from, to, relPath, patterns, result);
    else if (entry.isFile()) await copyFile(from, to, relPath, patterns, result);
    else result.skipped.push(`${relPath} (not a regular file)`);
  }
}

async function listDir(dir: string) {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Copies one regular file, redacting it unless it looks binary. The file is opened without following a
 * symlink, so one swapped in after the folder was listed fails the copy instead of leaking its target.
 */
async function copyFile(
  from: string,
  to: string,
  rel: string,
  patterns: readonly Buffer[],
  result: StageResult,
): Promise<void> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(from, constants.O_RDONLY | NO_FOLLOW);
  } catch (error) {
    result.skipped.push(`${rel} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return;
  }
  try {
    if (!(await handle.stat()).isFile()) {
      result.skipped.push(`${rel} (not a regular file)`);
      return;
    }
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const output = await fsp.open(to, 'wx');
    try {
      await redactFile(handle, output, looksBinary(head.subarray(0, bytesRead)) ? [] : patterns);
    } finally {
      await output.close();
    }
    result.files.push(to);
  } finally {
    await handle.close();
  }
}
