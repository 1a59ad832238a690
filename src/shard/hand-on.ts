import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { shardArtifactName } from '../artifacts/names.js';
import { uploadFiles } from '../artifacts/upload.js';
import type { AgentResult, RunStats, ShardRef } from '../types.js';
import { runnerTemp } from '../util/runner.js';
import { ACTION_SLUG } from '../config/action-interface.js';
import { writeShardFiles } from './shard-folder.js';
import { SHARD_FILES, buildManifest } from './manifest.js';

/** What a shard's step hands the aggregate step, besides its results and numbers. */
export interface ShardHandOn {
  shard: ShardRef;
  prefix: string;
  /** Each agent of the whole matrix by id, with its place in it. */
  matrixIndex: ReadonlyMap<string, number>;
  stepStartedAt: Date;
  retentionDays?: number;
  artifactsDir: string;
  secrets: readonly string[];
}

/** The texts a shard's artifact carries, by file, already safe: its outputs, summary, report and answers. */
export interface ShardTexts {
  results: string;
  summary: string;
  report: string;
  answers: ReadonlyMap<string, string>;
}

/**
 * Uploads the shard's artifact for the aggregate step (see SHARD_FILES): whatever `upload` says, since it is the
 * shard's result. Returns why the aggregate step will miss this shard when it could not be uploaded. Skipped
 * once the run is cancelled: the cancel budget is spent by then, and a cancelled run has no aggregate step.
 */
export async function handOnShard(
  h: ShardHandOn,
  run: { results: readonly AgentResult[]; stats: RunStats; texts: ShardTexts },
  cancelled: boolean,
): Promise<string | undefined> {
  const name = shardArtifactName(h.prefix, h.shard);
  if (cancelled) {
    core.warning(`Cancelled: shard artifact ${name} was not uploaded.`);
    return undefined;
  }
  const manifest = buildManifest(h.shard, h.matrixIndex, run.results, run.stats, h.stepStartedAt, new Date());
  // Not in the run folder, where an agent could have the same name.
  const root = fs.mkdtempSync(path.join(runnerTemp(), `${ACTION_SLUG}-shard-`));
  const { texts } = run;
  const files = writeShardFiles(root, manifest, {
    [SHARD_FILES.results]: texts.results,
    [SHARD_FILES.summary]: texts.summary,
    [SHARD_FILES.report]: texts.report,
    [SHARD_FILES.answers]: JSON.stringify(Object.fromEntries(texts.answers)),
  });
  const outcome = await uploadFiles(name, root, files, h);
  if (!outcome.warning) return undefined;
  return `Shard artifact ${name} was not uploaded, so the aggregate step will miss shard ${h.shard.index}: ${outcome.warning}`;
}
