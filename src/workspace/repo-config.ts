import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { logUntrusted } from '../util/log.js';
import { git } from './git.js';
import { privateGit, type PatchSource } from './patch.js';

// The agent configuration a repository carries (`.claude/`, `.mcp.json`, `CLAUDE.md`, `CLAUDE.local.md`), and
// putting another one in its place in an agent's tree: on a pull request, the pull request's own would otherwise
// decide which commands the CLI runs (hooks, MCP servers) and what the agents are told.

/** File names the CLI reads as configuration or instructions, in the root and in any subfolder. */
const CONFIG_FILES = new Set(['.mcp.json', 'CLAUDE.md', 'CLAUDE.local.md']);
/** A folder of settings, hooks, agents, commands and skills, in the root and in any subfolder. */
const CONFIG_DIR = '.claude';

/** One file of the configuration that replaces the tree's. */
export interface ConfigFile {
  /** '/' separated, relative to the top of the repository. */
  path: string;
  /** `link`: a symbolic link whose target is `content`. */
  kind: 'file' | 'exec' | 'link';
  content: Buffer;
}

/** What the agents' trees hold instead of their own configuration: the base branch's files, or none at all. */
export interface RepositoryConfig {
  mode: 'base' | 'none';
  files: readonly ConfigFile[];
}

/** Whether a path of the repository ('/' separated) is agent configuration. */
export function isAgentConfig(file: string): boolean {
  const parts = file.split('/');
  return parts.slice(0, -1).includes(CONFIG_DIR) || parts.at(-1) === CONFIG_DIR || CONFIG_FILES.has(parts.at(-1)!);
}

/**
 * The configuration files in a tree: every file or link named as above, and everything under a `.claude` folder
 * (a `.claude` that is a link counts as one entry, never followed). Git folders are left out.
 */
export function configEntries(tree: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, rel: string, inConfig: boolean): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const name = entry.name;
      if (name === '.git') continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const config = inConfig || name === CONFIG_DIR || CONFIG_FILES.has(name);
      if (entry.isDirectory()) walk(path.join(dir, name), relPath, config);
      else if (config) found.push(relPath);
    }
  };
  walk(tree, '', false);
  return found.sort();
}

/** Whether the entry at `at` is already `file` (same kind of entry, same content). */
function holds(at: string, file: ConfigFile): boolean {
  const stat = fs.lstatSync(at, { throwIfNoEntry: false });
  if (!stat) return false;
  if (file.kind === 'link') return stat.isSymbolicLink() && fs.readlinkSync(at) === file.content.toString();
  return stat.isFile() && stat.size === file.content.length && fs.readFileSync(at).equals(file.content);
}

/** Whether any folder between the tree and `file` is a link (or not a folder): writing there could leave the tree. */
function throughLink(tree: string, file: string): boolean {
  const parts = file.split('/').slice(0, -1);
  let at = tree;
  for (const part of parts) {
    at = path.join(at, part);
    const stat = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!stat) return false;
    if (!stat.isDirectory()) return true;
  }
  return false;
}

/**
 * Makes the tree's agent configuration `config`'s: every configuration file the tree has that `config` does not
 * have as it is goes, and every file of `config` is written. Returns the paths removed, changed or added, sorted
 * (empty when the tree already held exactly `config`'s), and the files not written because a folder on their way
 * is a link in this tree.
 */
export function replaceConfig(tree: string, config: RepositoryConfig): { replaced: string[]; skipped: string[] } {
  const wanted = new Map(config.files.map((f) => [f.path, f]));
  const replaced = new Set<string>();
  const skipped: string[] = [];
  for (const file of configEntries(tree)) {
    const want = wanted.get(file);
    if (want && holds(path.join(tree, file), want)) continue;
    fs.rmSync(path.join(tree, file), { recursive: true, force: true });
    replaced.add(file);
  }
  for (const file of wanted.values()) {
    const at = path.join(tree, ...file.path.split('/'));
    if (holds(at, file)) continue;
    if (throughLink(tree, file.path)) {
      skipped.push(file.path);
      continue;
    }
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.rmSync(at, { recursive: true, force: true });
    if (file.kind === 'link') fs.symlinkSync(file.content.toString(), at);
    else fs.writeFileSync(at, file.content, { mode: file.kind === 'exec' ? 0o755 : 0o644 });
    replaced.add(file.path);
  }
  removeEmptyConfigDirs(tree, [...replaced]);
  return { replaced: [...replaced].sort(), skipped };
}

/** `.claude` folders (and folders in them) that removing the tree's files left empty: git would not keep them. */
function removeEmptyConfigDirs(tree: string, files: string[]): void {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    const top = parts.indexOf(CONFIG_DIR);
    if (top < 0) continue;
    for (let i = parts.length - 1; i > top; i--) dirs.add(parts.slice(0, i).join('/'));
  }
  // Deepest first, so that a folder emptied by removing its empty subfolders goes too.
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(path.join(tree, dir));
    } catch {
      // Not empty, or already gone.
    }
  }
}

/**
 * Counts what `replaceConfig` changed as part of what the patch is made against, so that the replaced files
 * never show in `changes.patch` as the agent's. The paths are staged in the patch's private index (ignored ones
 * too: a base branch's committed `CLAUDE.local.md` may be ignored by the tree's `.gitignore`) and the result is
 * written as the new base tree.
 */
export async function rebaseOnConfig(source: PatchSource, replaced: readonly string[]): Promise<void> {
  if (replaced.length === 0) return;
  const { tree, scratch } = source;
  fs.mkdirSync(scratch, { recursive: true });
  const index = path.join(scratch, 'config.index');
  fs.rmSync(index, { force: true });
  if (fs.existsSync(source.startIndex)) fs.copyFileSync(source.startIndex, index);
  const env = privateGit(source, index);
  const literal = (p: string) => `:(literal)${p}`;
  // A path git would not know (an ignored file of the tree's that is gone now) must not be named: git refuses it.
  const known = (await git(['ls-files', '-z', '--cached', '--', ...replaced.map(literal)], { cwd: tree, env }))
    .split('\0')
    .filter(Boolean);
  const present = replaced.filter((p) => fs.lstatSync(path.join(tree, p), { throwIfNoEntry: false }));
  const paths = [...new Set([...known, ...present])];
  if (paths.length) await git(['add', '-A', '-f', '--', ...paths.map(literal)], { cwd: tree, env });
  source.base = (await git(['write-tree'], { cwd: tree, env })).trim();
  source.startIndex = index;
}

/** The step every agent's own tree goes through once made, before its agent starts: the tree's configuration replaced. */
export type ConfigureTree = (source: PatchSource, id: string) => Promise<void>;

/**
 * `replaceConfig` and `rebaseOnConfig` for each tree, saying in the log which files were replaced: once for the
 * first tree, and again only for a tree where that differs (trees of one commit all differ alike).
 */
export function configureTrees(config: RepositoryConfig): ConfigureTree {
  let said: string | undefined;
  return async (source, id) => {
    const { replaced, skipped } = replaceConfig(source.tree, config);
    await rebaseOnConfig(source, replaced);
    const what = config.mode === 'base' ? "the base branch's" : 'none';
    // Names the pull request chose: quoted, one line each, and fenced from the runner's commands.
    const files = replaced.length ? replaced.map((f) => JSON.stringify(f)).join(', ') : 'nothing (the tree held it)';
    const line = `agent configuration replaced by ${what} (repository-config: ${config.mode}): ${files}`;
    if (line !== said) logUntrusted(`${id}: ${line}`);
    said = line;
    if (skipped.length) {
      core.warning(`${id}: agent configuration not written where a folder on its way is a link: ${skipped.join(', ')}`);
    }
  };
}
