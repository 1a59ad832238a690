import type { UploadMode } from '../types.js';
import { InputError } from '../util/errors.js';

/** Characters the artifact service refuses in a name. */
export const FORBIDDEN_NAME_CHARS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

export function artifactName(prefix: string, id: string): string {
  return `${prefix}-${id}`;
}

/** The one artifact of `upload: combined`. */
export function combinedArtifactName(prefix: string): string {
  return artifactName(prefix, 'all');
}

/** The artifact that holds report.md. */
export function reportArtifactName(prefix: string): string {
  return artifactName(prefix, 'report');
}

/**
 * The names a run will upload under, to check with `validateArtifactNames` before any agent starts. In
 * combined mode each agent's id also names a folder, so the per-agent names are checked as well. The report's
 * artifact comes last (an agent with the id `report` would take its name).
 */
export function plannedArtifactNames(mode: UploadMode, prefix: string, ids: readonly string[]): string[] {
  if (mode === 'none') return [];
  const names = ids.map((id) => artifactName(prefix, id));
  return [...(mode === 'combined' ? [combinedArtifactName(prefix), ...names] : names), reportArtifactName(prefix)];
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
