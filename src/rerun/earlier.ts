import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { artifactName } from '../artifacts/names.js';
import { unpackZip } from '../artifacts/unzip.js';
import type { AgentResult } from '../types.js';
import { errorMessage } from '../util/errors.js';
import { redactResult } from '../util/redact.js';
import { hasArtifactService, runPage } from '../util/runner.js';
import { AGENT_RECORD, parseAgentRecord } from './agent-record.js';

/**
 * What earlier attempts of this workflow run left of this step's agents: each agent's artifact, read on demand.
 * The one way a later attempt learns how an agent ended before; see docs/faults-and-cancellation.md.
 */
export interface EarlierAttempts {
  /**
   * The result agent `id` had in an earlier attempt, its artifact unpacked into `into` (which must not exist
   * yet), marked `reusedFrom` that attempt; undefined, with nothing left in `into`, when there is no such
   * artifact or it cannot be read (the log says why).
   */
  fetch(id: string, into: string): Promise<AgentResult | undefined>;
}

export interface EarlierOptions {
  /** The `artifact-prefix` input: agent `id`'s artifact is `<prefix>-<id>`. */
  prefix: string;
  /** Where zips are written outside GitHub Actions, and read back from. */
  artifactsDir: string;
  /** Scrubbed from what is read back, as from everything else an agent wrote. */
  secrets: readonly string[];
}

/**
 * The artifacts of the run's earlier attempts: in a GitHub Actions job, the run's artifacts as the artifact
 * service lists them (every attempt's, each name once); elsewhere, the zips in `artifactsDir`.
 */
export async function openEarlierAttempts(o: EarlierOptions): Promise<EarlierAttempts> {
  const read = hasArtifactService() ? await fromService() : fromFolder(o.artifactsDir);
  return {
    async fetch(id, into) {
      const name = artifactName(o.prefix, id);
      // `~` is in no agent id, so this is no other agent's folder.
      const scratch = `${into}~earlier`;
      try {
        const listed = await read(name, scratch);
        if (!listed) return undefined;
        const text = await fsp.readFile(path.join(scratch, AGENT_RECORD), 'utf8').catch(() => undefined);
        if (text === undefined) return said(`${name} holds no ${AGENT_RECORD} (an older version of the action?)`);
        const parsed = parseAgentRecord(text, id, into);
        if ('problem' in parsed) return said(`${name}: ${parsed.problem}`);
        await fsp.rename(scratch, into);
        const page = runPage();
        const withArtifact: AgentResult = { ...parsed, artifactName: name };
        if (listed.id !== undefined) withArtifact.artifactId = listed.id;
        const url = listed.id !== undefined && page ? `${page}/artifacts/${listed.id}` : listed.zip;
        if (url) withArtifact.artifactUrl = url;
        return redactResult(withArtifact, o.secrets);
      } catch (err) {
        return said(`${name} could not be read: ${errorMessage(err)}`);
      } finally {
        await fsp.rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

type Reader = (name: string, into: string) => Promise<{ id?: number; zip?: string } | undefined>;

/** Listed once: a name is unique in the run, so the list holds at most one artifact per agent. */
async function fromService(): Promise<Reader> {
  const client = new DefaultArtifactClient();
  const { artifacts } = await client.listArtifacts({ latest: true });
  const ids = new Map(artifacts.map((a) => [a.name, a.id]));
  core.info(`Re-run: the run has ${artifacts.length} artifacts from earlier attempts`);
  return async (name, into) => {
    const id = ids.get(name);
    if (id === undefined) return undefined;
    await client.downloadArtifact(id, { path: into });
    return { id };
  };
}

/** The zips a local run wrote; only their top-level files (a planner's agents.yml is in a folder: it runs again). */
function fromFolder(artifactsDir: string): Reader {
  return async (name, into) => {
    const zip = path.resolve(artifactsDir, `${name}.zip`);
    if (!fs.existsSync(zip)) return undefined;
    await unpackZip(zip, into);
    return { zip };
  };
}

function said(why: string): undefined {
  core.info(`Re-run: ${why}; the agent runs again.`);
  return undefined;
}
