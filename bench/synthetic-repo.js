// A synthetic repository for the workspace benchmark: `files` text files of about `bytes / files` bytes each, in
// folders of 100, committed once. The text is made of a few thousand pseudo-random words, so it compresses about as
// well as source code does (50 MB of it packs to about 30 MB). The same arguments always give the same commit.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * @param {string} dir an empty or missing folder
 * @param {{ files?: number, bytes?: number }} [options]
 * @returns {{ dir: string, commit: string, files: number, bytes: number }}
 */
export function makeSyntheticRepo(dir, { files = 5000, bytes = 50 * 1024 * 1024 } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  let state = 42;
  // mulberry32: small, fast, and the same sequence everywhere.
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const words = Array.from({ length: 4000 }, (_, i) => Math.floor(random() * 1e9).toString(36) + i.toString(36));
  const perFile = Math.round(bytes / files);
  let written = 0;
  for (let i = 0; i < files; i++) {
    const file = path.join(dir, `pkg${Math.floor(i / 100)}`, `file${i % 100}.txt`);
    if (i % 100 === 0) fs.mkdirSync(path.dirname(file), { recursive: true });
    const parts = [];
    let length = 0;
    while (length < perFile) {
      const word = words[Math.floor(random() * words.length)];
      parts.push(word, random() < 0.1 ? '\n' : ' ');
      length += word.length + 1;
    }
    const text = parts.join('').slice(0, perFile);
    fs.writeFileSync(file, text);
    written += text.length;
  }
  const git = (/** @type {string[]} */ ...args) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'gc.auto=0', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'synthetic');
  // Packed, as a clone would be.
  git('gc', '-q');
  return { dir, commit: git('rev-parse', 'HEAD').trim(), files, bytes: written };
}
