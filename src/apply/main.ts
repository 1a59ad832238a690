import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { planChanges } from '../changes/changes-plan.js';
import { readChangeRecord } from '../changes/change-record.js';
import { APPLY_SLUG } from '../config/apply-interface.js';
import { getApplyInputs, type ApplyInputs } from '../config/apply-inputs.js';
import { finish, type RunEnd } from '../finish/finish.js';
import { failStep } from '../finish/fail-step.js';
import { readAnswers } from '../report/answers.js';
import { computeStats } from '../report/stats.js';
import { Cancellation } from '../util/cancel.js';
import { knownSecrets, redactResult } from '../util/redact.js';
import { hasArtifactService, runnerTemp } from '../util/runner.js';
import { fetchAgentFolders } from './agents.js';

/**
 * The apply action, run in a job that needs the agents' job and holds the write token: every agent's artifact
 * of the run fetched (shards' included), and its changes made into commits and pull requests by the same ending
 * as the main action's. The agents' job never holds a token that may write. Every error ends in `failStep`.
 */
export async function run(): Promise<void> {
  const cancel = new Cancellation();
  let secrets: string[] = [];
  try {
    const inputs = getApplyInputs();
    secrets = knownSecrets({ anthropicApiKey: '', oauthToken: '', githubToken: inputs.githubToken }, process.env);
    const end = await gatherAgents(inputs, secrets);
    const plan = planChanges({ dir: inputs.workingDirectory, ...end, ...inputs, token: inputs.githubToken });
    const mode = inputs.changes;
    if (mode) plan.items = new Map([...plan.items].map(([id, item]) => [id, { ...item, mode }]));
    await finish(end, {
      // The agents' job already failed for its agents; this step fails for what it could not apply.
      failOn: 'never',
      summary: inputs.summary,
      secrets,
      cancel,
      handOn: { deliver: { prefix: inputs.artifactPrefix, uploadReport: false, artifactsDir: '', secrets } },
      changes: plan,
    });
  } catch (err) {
    failStep(err, secrets);
  } finally {
    cancel.dispose();
  }
}

/** Every agent's folder fetched and its record read (and scrubbed), in matrix order. */
async function gatherAgents(inputs: ApplyInputs, secrets: readonly string[]): Promise<RunEnd> {
  const prefix = inputs.artifactPrefix;
  const runDir = fs.mkdtempSync(path.join(runnerTemp(), `${APPLY_SLUG}-`));
  const folders = await core.group('Agent artifacts', () =>
    fetchAgentFolders(prefix, inputs.artifactsDir, path.join(runDir, 'agents')),
  );
  if (folders.length === 0) {
    const where = hasArtifactService() ? 'in this workflow run' : `in ${inputs.artifactsDir}`;
    throw new Error(
      `No agent artifact ${prefix}-<id> with a change record was found ${where}. Run this step in a job that needs ` +
        `the agents' job, with the same \`artifact-prefix\` as theirs (now ${JSON.stringify(prefix)}), and ` +
        `\`upload\` other than \`none\` there.`,
    );
  }
  // Matrix order; agents a planner added (index -1) after the matrix's own, by id.
  const order = (i: number) => (i < 0 ? Number.MAX_SAFE_INTEGER : i);
  const records = folders
    .map(readChangeRecord)
    .sort((a, b) => order(a.index) - order(b.index) || (a.result.id < b.result.id ? -1 : 1));
  const results = records.map((r) => redactResult(r.result, secrets));
  core.info(`${results.length} agents, ${results.filter((r) => r.changes?.patch).length} with changes`);
  const stats = computeStats(results, results.length);
  return { results, stats, answers: readAnswers(results, secrets), runDir };
}
