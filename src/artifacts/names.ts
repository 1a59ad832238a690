import type { ShardRef, UploadMode } from '../types.js';
import { InputError } from '../util/errors.js';

/** Characters the artifact service refuses in a name. */
export const FORBIDDEN_NAME_CHARS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

export function artifactName(prefix: string, id: string): string {
  return `${prefix}-${id}`;
}

/** The one artifact of `upload: combined`; one per shard when the matrix is split over jobs. */
export function combinedArtifactName(prefix: string, shard?: ShardRef): string {
  return artifactName(prefix, shard ? `all-${shard.index}-of-${shard.count}` : 'all');
}

/** The artifact that holds report.md. */
export function reportArtifactName(prefix: string): string {
  return artifactName(prefix, 'report');
}

/**
 * The names a run will upload under, to check with `validateArtifactNames` before any agent starts. In
 * combined mode each agent's id also names a folder, so the per-agent names are checked as well. `ids` are
 * those of the whole matrix; split over `shards` jobs, the names of every shard are checked, so that every
 * shard refuses a clash between two of them. The report's artifact comes last (an agent with the id `report`
 * would take its name); split over shards, the aggregate step uploads it.
 */
export function plannedArtifactNames(
  mode: UploadMode,
  prefix: string,
  ids: readonly string[],
  shards?: number,
): string[] {
  const each = shards ? Array.from({ length: shards }, (_, k) => ({ index: k + 1, count: shards })) : [];
  const ofShards = each.map((s) => shardArtifactName(prefix, s));
  if (mode === 'none') return ofShards;
  const names = ids.map((id) => artifactName(prefix, id));
  const report = reportArtifactName(prefix);
  if (mode === 'per-agent') return [...names, ...ofShards, report];
  const combined = shards ? each.map((s) => combinedArtifactName(prefix, s)) : [combinedArtifactName(prefix)];
  return [...combined, ...names, ...ofShards, report];
}

/** Throws, naming the `artifact-prefix` input and the name, if a name is empty, has a forbidden character or repeats. */
export function validateArtifactNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const bad = FORBIDDEN_NAME_CHARS.find((c) => name.includes(c));
    if (!name || bad !== undefined) {
      const what = bad === undefined ? 'is empty' : `contains ${JSON.stringify(bad)}`;
      throw new InputError(
        `Artifact name ${JSON.stringify(name)} (the \`artifact-prefix\` input, "-" and the agent id) ${what}; ` +
          `names may not contain any of " : < > | * ? \\r \\n \\ /. Change \`artifact-prefix\` or the agent id.`,
      );
    }
    if (seen.has(name)) {
      throw new InputError(
        `Artifact name ${JSON.stringify(name)} (the \`artifact-prefix\` input, "-" and the agent id) is used twice; ` +
          `give every agent a different id, or set a different \`artifact-prefix\`.`,
      );
    }
    seen.add(name);
  }
}

/** The artifact a shard uploads for the aggregate step: its results, summary and timings. */
export function shardArtifactName(prefix: string, shard: ShardRef): string {
  return artifactName(prefix, `shard-${shard.index}-of-${shard.count}`);
}

/** GitHub accepts at most this many artifacts from one job; uploads past it fail. */
export const MAX_ARTIFACTS_PER_JOB = 500;

/**
 * The artifacts one step uploads: an agent's each (per-agent) or one (combined), and the report; split over
 * shards, its shard's artifact instead of the report, which a shard uploads whatever `upload` says.
 */
export function uploadedArtifactNames(
  mode: UploadMode,
  prefix: string,
  ids: readonly string[],
  shard?: ShardRef,
): string[] {
  const agents =
    mode === 'per-agent'
      ? ids.map((id) => artifactName(prefix, id))
      : mode === 'combined'
        ? [combinedArtifactName(prefix, shard)]
        : [];
  if (shard) return [...agents, shardArtifactName(prefix, shard)];
  return mode === 'none' ? agents : [...agents, reportArtifactName(prefix)];
}

/**
 * Throws before any agent starts when this step's artifacts (`planned`) and those of earlier uses of the action
 * in the same job (`earlier`) would pass GitHub's limit, which would make uploads fail half-way through the run.
 */
export function checkArtifactBudget(planned: number, earlier: number): void {
  if (planned + earlier <= MAX_ARTIFACTS_PER_JOB) return;
  const before = earlier ? `, and earlier steps of this job already used the action for ${earlier}` : '';
  throw new InputError(
    `This step would upload ${planned} artifacts${before}: GitHub accepts at most ${MAX_ARTIFACTS_PER_JOB} from ` +
      `one job, so uploads would start failing half-way through the run. Split the matrix over several jobs ` +
      `with the \`shard\` input (see docs/sharding.md), or set \`upload: combined\` (one artifact for all agents).`,
  );
}
