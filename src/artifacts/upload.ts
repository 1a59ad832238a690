import fsp from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import type { ShardRef, UploadMode } from '../types.js';
import { limiter } from '../util/limit.js';
import { logUntrusted } from '../util/log.js';
import { redactText, secretPatterns } from '../util/redact.js';
import { hasArtifactService, runPage, runnerTemp, workflowRunAttempt } from '../util/runner.js';
import { uploadReplacing } from './replace.js';
import { describeUploadFailure } from './upload-errors.js';
import { FORBIDDEN_NAME_CHARS, artifactName, combinedArtifactName } from './names.js';
import { stageAgentFolder } from './stage.js';
import { writeZip } from './zip.js';

export interface UploadOptions {
  mode: UploadMode;
  /** The `artifact-prefix` input: artifacts are named `<prefix>-<id>`, or `<prefix>-all` when combined. */
  prefix: string;
  /** Days the artifacts are kept; undefined or 0 means the repository's default. */
  retentionDays?: number;
  /** Where the zips go when not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN). */
  artifactsDir: string;
  /** Values replaced by `***` in every uploaded text file; values under 4 characters are ignored. */
  secrets: readonly string[];
  /** Uploads (per-agent) or stagings (combined) running at once; default 3. */
  concurrency?: number;
  /** The shard this step runs, when the matrix is split over jobs: each shard's combined artifact has its own name. */
  shard?: ShardRef;
}

/** What became of one agent's upload. `warning` is set (and the rest may be missing) when it failed. */
export interface UploadOutcome {
  artifactName: string;
  artifactId?: number;
  /** The artifact's page on GitHub, or the path of the local zip outside GitHub Actions. */
  artifactUrl?: string;
  warning?: string;
}

export interface Uploader {
  /** Call when an agent has finished (after its last attempt); returns at once, the work runs in the background. */
  agentFinished(id: string, outputDir: string): void;
  /** Waits for every upload (in combined mode, does the one upload); outcomes by agent id, in finishing order. */
  finish(): Promise<Map<string, UploadOutcome>>;
}

/** Above this many bytes an artifact is zipped and sent only while no other such artifact is. */
const LARGE_ARTIFACT_BYTES = 32 * 1024 * 1024;

/**
 * Uploads each finished agent's folder (see `stageAgentFolder` for what is in it) as a workflow artifact,
 * through a redacted copy in a staging folder. Failures never throw: they become the outcome's `warning`.
 */
export function createUploader(opts: UploadOptions): Uploader {
  const limit = limiter(Math.max(1, opts.concurrency ?? 3));
  const jobs = new Map<string, Promise<UploadOutcome>>();
  const reported = new Set<string>();
  const combined = opts.mode === 'combined' ? combinedUpload(opts) : undefined;
  const work = combined ? combined.stage : perAgentUpload(opts);
  let finishing: Promise<Map<string, UploadOutcome>> | undefined;

  async function finishAll(): Promise<Map<string, UploadOutcome>> {
    const outcomes = new Map<string, UploadOutcome>();
    for (const [id, job] of jobs) outcomes.set(id, await job);
    await combined?.upload(outcomes);
    return outcomes;
  }

  return {
    agentFinished(id, outputDir) {
      if (finishing) throw new Error(`agentFinished(${id}) called after finish()`);
      if (reported.has(id)) throw new Error(`agentFinished(${id}) called twice`);
      reported.add(id);
      if (opts.mode === 'none') return;
      jobs.set(
        id,
        limit(() => work(id, outputDir)).catch((error: unknown) =>
          failed(artifactName(opts.prefix, id), error, opts.secrets),
        ),
      );
    },
    finish() {
      finishing ??= finishAll();
      return finishing;
    },
  };
}

/** `upload: per-agent`: each agent's folder staged and sent as an artifact of its own. */
function perAgentUpload(opts: UploadOptions): (id: string, outputDir: string) => Promise<UploadOutcome> {
  const patterns = secretPatterns(opts.secrets);
  const oneLarge = limiter(1);
  const run = <T>(task: () => Promise<T>) => task();
  return async (id, outputDir) => {
    const name = artifactName(opts.prefix, id);
    log(`upload of ${name} (agent ${id}) started`);
    const root = await fsp.mkdtemp(path.join(runnerTemp(), 'agent-artifact-'));
    try {
      const staged = await stageAgentFolder(outputDir, root, patterns);
      reportSkipped(name, staged.skipped);
      // Zipping holds memory the collector is slow to give back (Node 24 more so): one big log at a time.
      const bytes = await totalSize(staged.files);
      const outcome = await (bytes > LARGE_ARTIFACT_BYTES ? oneLarge : run)(() => send(name, root, staged.files, opts));
      log(`upload of ${name} (agent ${id}) finished${outcome.artifactId ? `, artifact id ${outcome.artifactId}` : ''}`);
      return outcome;
    } catch (error) {
      log(`upload of ${name} (agent ${id}) failed`);
      return failed(name, error, opts.secrets);
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  };
}

/**
 * `upload: combined`: each agent's folder staged into a folder of its id as it finishes, and all of them sent as
 * one artifact at the end, for the agents whose staging worked.
 */
function combinedUpload(opts: UploadOptions) {
  const patterns = secretPatterns(opts.secrets);
  const name = combinedArtifactName(opts.prefix, opts.shard);
  const files: string[] = [];
  let root: Promise<string> | undefined;

  async function stage(id: string, outputDir: string): Promise<UploadOutcome> {
    try {
      if (id === '.' || id === '..' || FORBIDDEN_NAME_CHARS.some((c) => id.includes(c)))
        throw new Error(`bad agent id ${id}`);
      root ??= fsp.mkdtemp(path.join(runnerTemp(), 'agent-artifacts-'));
      const staged = await stageAgentFolder(outputDir, path.join(await root, id), patterns);
      reportSkipped(`${name} (${id})`, staged.skipped);
      files.push(...staged.files);
      log(`staged agent ${id} for ${name}`);
      return { artifactName: name };
    } catch (error) {
      return failed(name, error, opts.secrets);
    }
  }

  async function upload(outcomes: Map<string, UploadOutcome>): Promise<void> {
    if (!root) return;
    const dir = await root;
    const ids = [...outcomes].filter(([, o]) => !o.warning).map(([id]) => id);
    let outcome: UploadOutcome;
    try {
      if (ids.length === 0) return;
      log(`upload of ${name} (${ids.length} agents) started`);
      outcome = await send(name, dir, files, opts);
      log(`upload of ${name} finished${outcome.artifactId ? `, artifact id ${outcome.artifactId}` : ''}`);
    } catch (error) {
      log(`upload of ${name} failed`);
      outcome = failed(name, error, opts.secrets);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
    for (const id of ids) outcomes.set(id, { ...outcome });
  }

  return { stage, upload };
}

/**
 * Uploads `files` (under `root`, already redacted) as the one artifact `name`, or writes its zip outside GitHub
 * Actions. A failure does not throw: it becomes the outcome's `warning`.
 */
export async function uploadFiles(
  name: string,
  root: string,
  files: string[],
  opts: Pick<UploadOptions, 'retentionDays' | 'artifactsDir' | 'secrets'>,
): Promise<UploadOutcome> {
  try {
    return await send(name, root, files, opts);
  } catch (error) {
    return failed(name, error, opts.secrets);
  }
}

function failed(name: string, error: unknown, secrets: readonly string[]): UploadOutcome {
  return { artifactName: name, warning: redactText(describeUploadFailure(name, error), secrets) };
}

/** Uploads staged files with the artifact client, or writes `<artifactsDir>/<name>.zip` outside GitHub Actions. */
async function send(
  name: string,
  root: string,
  files: string[],
  opts: Pick<UploadOptions, 'retentionDays' | 'artifactsDir'>,
): Promise<UploadOutcome> {
  if (files.length === 0) return { artifactName: name, warning: `Nothing to upload for artifact ${name}.` };
  if (!hasArtifactService()) {
    const zip = path.resolve(opts.artifactsDir, `${name}.zip`);
    await writeZip(zip, root, files);
    core.info(`Not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN): wrote artifact ${name} to ${zip}`);
    return { artifactName: name, artifactUrl: zip };
  }
  const retention = opts.retentionDays ? { retentionDays: opts.retentionDays } : undefined;
  const client = new DefaultArtifactClient();
  const sent = await uploadReplacing(client, { name, files, root, options: retention }, workflowRunAttempt());
  const { id } = sent;
  return { artifactName: sent.name, artifactId: id, artifactUrl: id === undefined ? undefined : artifactPage(id) };
}

function artifactPage(id: number): string | undefined {
  const run = runPage();
  return run && `${run}/artifacts/${id}`;
}

function reportSkipped(name: string, skipped: string[]): void {
  if (skipped.length === 0) return;
  const shown = skipped.slice(0, 20).join(', ');
  // The names are the agent's: fenced, so a file named like a workflow command is only a name.
  logUntrusted(`Left out of ${name}: ${shown}${skipped.length > 20 ? ` and ${skipped.length - 20} more` : ''}`);
}

function log(message: string): void {
  core.info(`[${new Date().toISOString()}] ${message}`);
}

async function totalSize(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (f) => (await fsp.stat(f)).size));
  return sizes.reduce((a, b) => a + b, 0);
}
