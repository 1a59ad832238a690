import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../util/errors.js';
import { checkoutUnfit, copyLower, worktreeLower, type Lower } from './overlay-lower.js';
import { mountOverlay, removeAsRoot, unmount, type Mounter, type OverlayDirs } from './overlay-mounts.js';
import { handOver } from '../isolation/hand-over.js';
import type { AgentUser } from '../isolation/run-as.js';
import { ownFolders, type OwnFolder } from './own-folder.js';
import { touchedPaths } from './overlay-upper.js';
import type { EngineOptions, OpenEngine, WorkspaceEngine } from './workspace-engine.js';

/** Whether and how this run may mount: found once per run, shared by the overlay engines. */
export type MountSupport = () => Promise<Mounter | { refused: string }>;

/** What an overlay engine stands in for: a mode with its own trees, and the git engine it falls back on. */
type TreeMode = 'worktree' | 'copy';

interface Layers {
  lower: Lower;
  mounter: Mounter;
  metacopy: boolean;
  /** The layer over the lower where every file is the agent user's (`handLower`), when there is one. */
  handed?: string;
}

/**
 * `workspace: worktree` or `copy` as overlay mounts: one read-only lower layer per run (made once), and per agent
 * an upper and a work folder and the merged view it works in, made in milliseconds without writing the
 * repository's files. Where the run cannot mount, or the kernel refuses these layers, the mode's git engine
 * (`fallback`) serves every agent instead, and the log says why, once.
 */
export function overlayEngine(mode: TreeMode, fallback: OpenEngine, support: MountSupport): OpenEngine {
  return (options) => {
    const repo = options.plan.checkout;
    if (!repo) return fallback(options);
    let chosen: Promise<Layers | WorkspaceEngine> | undefined;
    const choose = () => (chosen ??= setUp(mode, options, support).then(announce(mode, options), fallBack));
    const fallBack = (why: unknown): WorkspaceEngine => {
      core.info(`${label(mode)}: ${gitName(mode)}, not overlay mounts (${errorMessage(why)})`);
      return fallback(options);
    };
    // Made once for the run, by the first agent's turn at the latest; not at all when no agent works here.
    if (options.agents) void choose();
    let folders: ReturnType<typeof ownFolders> | undefined;
    const foldersOver = (layers: Layers) =>
      (folders ??= ownFolders(options, repo.prefix, {
        mode,
        make: (folder) => makeOverlay(folder, layers),
        release: (folder) => dropOverlay(folder, layers),
        ...(layers.handed && { written: writtenSinceMade }),
      }));
    return {
      async prepare(spec) {
        const served = await choose();
        return 'prepare' in served ? served.prepare(spec) : foldersOver(served).prepare(spec);
      },
      async close() {
        if (!chosen) return;
        const served = await chosen;
        if ('prepare' in served) return served.close();
        await folders?.removeAll();
      },
      ready: options.agents ? choose().then((s) => ('prepare' in s ? s.ready : undefined)) : Promise.resolve(),
      served: () => chosen?.then((s) => ('prepare' in s ? 'git' : 'overlay')),
    };
  };
}

const label = (mode: TreeMode) => (mode === 'worktree' ? 'Worktrees' : 'Copies');
const gitName = (mode: TreeMode) => (mode === 'worktree' ? 'git worktrees' : 'copies of the checkout');

function announce(mode: TreeMode, options: EngineOptions) {
  return (layers: Layers): Layers => {
    const meta = layers.metacopy ? '' : ' (without metacopy: handing a tree to another user copies its files)';
    const handed = layers.handed ? `, handed to ${options.agentUser!.name} once for every agent` : '';
    core.info(`${label(mode)}: overlay mounts over ${layers.lower.what}${handed}${meta}, in ${options.root}`);
    return layers;
  };
}

/** The lower layer made, and one overlay over it mounted and taken down: what the kernel refuses, it refuses here. */
async function setUp(mode: TreeMode, options: EngineOptions, support: MountSupport): Promise<Layers> {
  const repo = options.plan.checkout!;
  const mounter = await support();
  if (typeof mounter !== 'string') throw new Error(mounter.refused);
  const unfit = checkoutUnfit(repo);
  if (unfit) throw new Error(unfit);
  const own = path.join(options.root, `.overlay-${mode}`);
  fs.mkdirSync(own, { recursive: true });
  const lower = mode === 'copy' ? await copyLower(repo, own) : await worktreeLower(repo, path.join(own, 'lower'));
  const probe = path.join(own, 'probe');
  const dirs = layerDirs(probe, path.join(probe, 'merged'), lower.dir);
  let metacopy = true;
  try {
    await mountOverlay(mounter, dirs, true).catch(async () => {
      // Kernels built without metacopy refuse the option, not the overlay.
      metacopy = false;
      await mountOverlay(mounter, dirs, false);
    });
    await unmount(mounter, dirs.merged);
  } finally {
    await removeAsRoot(mounter, probe).catch(() => undefined);
  }
  const user = options.agentUser;
  const handed = user && mounter === 'root' && metacopy ? await handLower(lower, user, own) : undefined;
  return { lower, mounter, metacopy, ...(handed && { handed }) };
}

/**
 * The lower handed to the agent user once for the run, as a layer of its own above it (every file's metadata
 * copied up with the agent user as owner), so that no agent's tree is handed over file by file: 0.15 s of system
 * CPU per agent on a 5,000-file tree, on the cores that start the CLIs. Only as root: through sudo the action
 * writes into each tree as the runner's user before its agent starts (the agent configuration it replaces, a
 * worktree's HEAD), which a tree of the agent user's would refuse, so there each tree is handed over as before.
 */
async function handLower(lower: Lower, user: AgentUser, own: string): Promise<string> {
  const scratch = path.join(own, 'handed');
  const dirs = layerDirs(scratch, path.join(scratch, 'merged'), lower.dir);
  await mountOverlay('root', dirs, true);
  try {
    await handOver(user, [dirs.merged]);
  } finally {
    await unmount('root', dirs.merged);
  }
  return dirs.upper;
}

/**
 * What the action wrote into an agent's overlay since it was mounted: its upper layer's entries, deletions left
 * out, and the tree itself, whose folder is the upper layer's own (made by the action).
 */
function writtenSinceMade(folder: OwnFolder): string[] {
  const upper = path.join(layersOf(folder), 'upper');
  const entries = fs
    .readdirSync(upper, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isCharacterDevice())
    .map((entry) => path.join(folder.tree, path.relative(upper, path.join(entry.parentPath, entry.name))));
  return [folder.tree, ...entries];
}

function layerDirs(scratch: string, merged: string, lower: string): OverlayDirs {
  const dirs = { lower, upper: path.join(scratch, 'upper'), work: path.join(scratch, 'work'), merged };
  for (const dir of [dirs.upper, dirs.work, dirs.merged]) fs.mkdirSync(dir, { recursive: true });
  return dirs;
}

/** An agent's overlay: its upper and work folders in its private folder, the merged view as its tree. */
async function makeOverlay(folder: OwnFolder, layers: Layers): Promise<void> {
  const { lower } = layers;
  const dirs = { ...layerDirs(layersOf(folder), folder.tree, lower.dir), handed: layers.handed };
  await mountOverlay(layers.mounter, dirs, layers.metacopy);
  folder.touched = () => touchedPaths({ upper: dirs.upper, lower: lower.dir, merged: folder.tree });
  folder.base = lower.base;
  folder.commit = lower.commit;
  folder.startIndex = lower.startIndex;
  folder.objects = lower.objects;
  if (lower.detachAt) {
    // Written through the overlay, so the lower's HEAD stays as it is; no reflog, as `worktree add` writes none.
    fs.writeFileSync(path.join(folder.tree, '.git', 'HEAD'), `${lower.detachAt}\n`);
  }
}

/**
 * The overlay taken down. Through sudo its layers are removed as root here (the kernel's work folder is root's);
 * as root, with the rest of the agent's scratch folder, without a process of their own.
 */
async function dropOverlay(folder: OwnFolder, layers: Layers): Promise<void> {
  await unmount(layers.mounter, folder.tree);
  if (layers.mounter === 'sudo') await removeAsRoot(layers.mounter, layersOf(folder));
}

const layersOf = (folder: OwnFolder) => path.join(folder.scratch, 'layers');
