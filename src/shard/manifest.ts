import { ID_PATTERN } from '../config/matrix.js';
import type { AgentResult, AgentStatus, RunStats, ShardRef } from '../types.js';
import { workflowRunAttempt } from '../util/runner.js';

/**
 * The files of a shard's artifact: `shard.json` (which shard, where each agent sits in the matrix, the shard's
 * timings), `results.json` (the shard's `results` output), `answers.json` (each agent's whole answer, by id),
 * `summary.md` (its own job summary) and `report.md` (its own report). The aggregate step reads the first three;
 * a shard of an older version has no answers.json, and its agents show their excerpts.
 */
export const SHARD_FILES = {
  manifest: 'shard.json',
  results: 'results.json',
  answers: 'answers.json',
  summary: 'summary.md',
  report: 'report.md',
} as const;

/** Changed when shard.json changes meaning, so an aggregate step refuses shards it would misread. */
export const SHARD_FORMAT = 1;

export interface ShardManifest {
  format: number;
  shard: ShardRef;
  /** How many agents the whole matrix has: the same in every shard of one split. */
  matrixAgents: number;
  /** Each result's place in the matrix, in results.json's order; null for an agent added at run time. */
  positions: (number | null)[];
  /** When the step started, and when it wrote this file. */
  stepStartedAt: string;
  stepFinishedAt: string;
  /** The shard's own numbers: its agents' wall time, one-after-another estimate, parallelism. */
  stats: RunStats;
  /** The attempt of the workflow run whose shard job wrote it (a re-run writes it again); absent: 1. */
  attempt?: number;
}

/** A shard as the aggregate step read it from its artifact. */
export interface ShardData {
  name: string;
  manifest: ShardManifest;
  results: AgentResult[];
  /** Each agent's whole answer, by id, where the shard sent it. */
  answers: Map<string, string>;
}

/** The manifest of a shard's step; `matrixIndex` gives the place of each agent of the matrix by id. */
export function buildManifest(
  shard: ShardRef,
  matrixIndex: ReadonlyMap<string, number>,
  results: readonly AgentResult[],
  stats: RunStats,
  stepStartedAt: Date,
  stepFinishedAt: Date,
): ShardManifest {
  return {
    format: SHARD_FORMAT,
    shard,
    matrixAgents: matrixIndex.size,
    positions: results.map((r) => matrixIndex.get(r.id) ?? null),
    stepStartedAt: stepStartedAt.toISOString(),
    stepFinishedAt: stepFinishedAt.toISOString(),
    stats,
    attempt: workflowRunAttempt(),
  };
}

const STATUSES: readonly AgentStatus[] = ['success', 'failure', 'timeout', 'cancelled', 'skipped'];

/**
 * Reads a shard's artifact files, checking what the aggregate step relies on: an artifact can have been made by
 * another version of the action, or by anything else in the workflow that used the name. Throws an Error that
 * names the artifact and what is wrong with it.
 */
export function readShard(
  name: string,
  shard: ShardRef,
  manifestText: string,
  resultsText: string,
  answersText?: string,
): ShardData {
  const bad = (what: string) => new Error(`Shard artifact ${name}: ${what}`);
  const parse = (text: string, file: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw bad(`${file} is not JSON (${(err as Error).message})`);
    }
  };
  const m = parse(manifestText, SHARD_FILES.manifest) as Partial<ShardManifest> | null;
  if (!m || typeof m !== 'object') throw bad(`${SHARD_FILES.manifest} is not an object`);
  if (m.format !== SHARD_FORMAT) {
    throw bad(
      `${SHARD_FILES.manifest} has format ${JSON.stringify(m.format)}, this aggregate step reads format ` +
        `${SHARD_FORMAT}: use the same version of the action for the shards and the aggregate step`,
    );
  }
  if (m.shard?.index !== shard.index || m.shard?.count !== shard.count) {
    throw bad(
      `${SHARD_FILES.manifest} says it is shard ${m.shard?.index}/${m.shard?.count}, not ${shard.index}/${shard.count}`,
    );
  }
  if (!isCount(m.matrixAgents)) throw bad(`${SHARD_FILES.manifest} has no matrixAgents count`);
  if (!isStats(m.stats)) throw bad(`${SHARD_FILES.manifest} has no stats`);
  if (!isTime(m.stepStartedAt) || !isTime(m.stepFinishedAt)) throw bad(`${SHARD_FILES.manifest} has no step times`);
  if (m.attempt !== undefined && !(isCount(m.attempt) && m.attempt >= 1)) {
    throw bad(`${SHARD_FILES.manifest} has a bad attempt ${JSON.stringify(m.attempt)}`);
  }

  const results = parse(resultsText, SHARD_FILES.results);
  if (!Array.isArray(results)) throw bad(`${SHARD_FILES.results} is not a list`);
  results.forEach((r, i) => {
    const problem = resultProblem(r);
    if (problem) throw bad(`${SHARD_FILES.results}, entry ${i}: ${problem}`);
  });
  const { positions } = m;
  if (
    !Array.isArray(positions) ||
    positions.length !== results.length ||
    !positions.every((p) => p === null || (isCount(p) && p < (m.matrixAgents ?? 0)))
  ) {
    throw bad(`${SHARD_FILES.manifest} has no matrix position for each of the ${results.length} results`);
  }
  const answers = answersText === undefined ? new Map<string, string>() : readAnswers(answersText, results, bad);
  return { name, manifest: m as ShardManifest, results: results as AgentResult[], answers };
}

/** answers.json: an answer for an agent of the shard's results, by id, each a text. */
function readAnswers(text: string, results: readonly { id: string }[], bad: (what: string) => Error) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw bad(`${SHARD_FILES.answers} is not JSON (${(err as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw bad(`${SHARD_FILES.answers} is not an object`);
  const ids = new Set(results.map((r) => r.id));
  const answers = new Map<string, string>();
  for (const [id, answer] of Object.entries(parsed)) {
    if (!ids.has(id)) throw bad(`${SHARD_FILES.answers} has an answer for ${JSON.stringify(id)}, not an agent of it`);
    if (typeof answer !== 'string') throw bad(`${SHARD_FILES.answers}: the answer of ${id} is not text`);
    answers.set(id, answer);
  }
  return answers;
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTime = (v: unknown): v is string => typeof v === 'string' && Number.isFinite(Date.parse(v));
const orNull = (v: unknown, check: (v: unknown) => boolean) => v === null || check(v);
const isString = (v: unknown) => typeof v === 'string';

const STAT_FIELDS: readonly (keyof RunStats)[] = [
  'agents',
  'succeeded',
  'failed',
  'wallTimeMs',
  'sumDurationMs',
  'sequentialEstimateMs',
  'speedup',
  'efficiency',
  'parallelism',
  'totalCostUsd',
];

function isStats(v: unknown): v is RunStats {
  return !!v && typeof v === 'object' && STAT_FIELDS.every((k) => isNumber((v as Record<string, unknown>)[k]));
}

/** What is wrong with an entry of results.json, for the fields the summary and the outputs use. */
function resultProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return 'not an object';
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID_PATTERN.test(r.id)) return `id ${JSON.stringify(r.id)} is not an agent id`;
  if (!STATUSES.includes(r.status as AgentStatus)) return `status ${JSON.stringify(r.status)} is unknown`;
  if (!isTime(r.startedAt) || !isTime(r.finishedAt)) return 'startedAt or finishedAt is not a time';
  for (const k of ['durationMs', 'startupMs', 'attempts']) if (!isNumber(r[k])) return `${k} is not a number`;
  if (!orNull(r.turns, isNumber) || !orNull(r.costUsd, isNumber)) return 'turns or costUsd is not a number';
  if (!isString(r.answer) || !orNull(r.error, isString)) return 'answer or error is not text';
  for (const k of ['artifactName', 'artifactUrl', 'uploadWarning']) {
    if (r[k] !== undefined && !isString(r[k])) return `${k} is not text`;
  }
  return undefined;
}
