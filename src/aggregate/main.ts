import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { shardArtifactName, validateArtifactNames } from '../artifacts/names.js';
import { getAggregateInputs, type AggregateInputs } from '../config/aggregate-inputs.js';
import { AGGREGATE_SLUG } from '../config/aggregate-interface.js';
import { finish, type RunEnd } from '../finish/finish.js';
import { failStep } from '../finish/fail-step.js';
import { createClient } from '../publish/client.js';
import { readEventContext } from '../publish/event.js';
import { openPublisher, planPublishing, progressInterval } from '../publish/publisher.js';
import { fetchShardArtifacts } from '../shard/fetch.js';
import { readShardFolder } from '../shard/shard-folder.js';
import { mergeShards } from '../shard/merge.js';
import { Cancellation } from '../util/cancel.js';
import { knownSecrets } from '../util/redact.js';
import { hasArtifactService, runnerTemp, workflowRunAttempt } from '../util/runner.js';

/**
 * The aggregate action, run in a job that needs the shard jobs: every shard artifact of the run fetched, the
 * shards made into one run, and then the same ending as the main action's for one run. Every error ends in
 * `failStep`, as in the main action.
 */
export async function run(): Promise<void> {
  const cancel = new Cancellation();
  let secrets: string[] = [];
  try {
    const inputs = getAggregateInputs();
    secrets = knownSecrets({ anthropicApiKey: '', oauthToken: '', githubToken: inputs.githubToken }, process.env);
    validateArtifactNames([shardArtifactName(inputs.artifactPrefix, { index: 1, count: 1 })]);
    const end = await gatherShards(inputs, secrets);
    const event = readEventContext();
    const github = inputs.githubToken && event.repo ? createClient(inputs.githubToken) : undefined;
    const options = { prefix: inputs.artifactPrefix, secrets, intervalMs: progressInterval() };
    const publisher = openPublisher(github, event, planPublishing(event, inputs), options);
    const deliver = { prefix: inputs.artifactPrefix, uploadReport: true, artifactsDir: inputs.artifactsDir, secrets };
    await finish(end, {
      failOn: inputs.failOn,
      summary: inputs.summary,
      secrets,
      cancel,
      handOn: { deliver, publisher },
    });
  } catch (err) {
    failStep(err, secrets);
  } finally {
    cancel.dispose();
  }
}

/** Every shard artifact of the run fetched, read (and made safe) and merged into one run. */
async function gatherShards(inputs: AggregateInputs, secrets: readonly string[]): Promise<RunEnd> {
  const prefix = inputs.artifactPrefix;
  const runDir = fs.mkdtempSync(path.join(runnerTemp(), `${AGGREGATE_SLUG}-`));
  const fetched = await core.group('Shard artifacts', () =>
    fetchShardArtifacts(prefix, inputs.artifactsDir, path.join(runDir, 'shards')),
  );
  if (fetched.length === 0) {
    const where = hasArtifactService() ? 'in this workflow run' : `in ${inputs.artifactsDir}`;
    throw new Error(
      `No shard artifact ${prefix}-shard-<i>-of-<n> was found ${where}. Run this step in a job that needs the ` +
        `shard jobs, with the same \`artifact-prefix\` as theirs (now ${JSON.stringify(prefix)}).`,
    );
  }
  const shards = fetched.map((f) => readShardFolder(f.name, f.shard, f.dir, secrets));
  const { count, missing, results, stats, runners } = mergeShards(shards, workflowRunAttempt());
  core.info(`${count - missing.length} of ${count} shards, ${results.length} agents`);
  const answers = new Map(shards.flatMap((s) => [...s.answers]));
  return { results, stats, answers, runDir, runners, note: missingNote(inputs, count, missing) };
}

/** The summary's warning about shards without an artifact; throws unless `allow-missing` lets them be. */
function missingNote(inputs: AggregateInputs, count: number, missing: readonly number[]): string {
  if (!missing.length) return '';
  const names = missing.map((index) => shardArtifactName(inputs.artifactPrefix, { index, count })).join(', ');
  const message =
    `${missing.length} of ${count} shards have no artifact: ${names}. Their jobs failed before uploading it, ` +
    `were cancelled, or used another \`artifact-prefix\`.`;
  if (!inputs.allowMissing) throw new Error(`${message} Set \`allow-missing: true\` to aggregate the others.`);
  core.warning(message);
  return `> ⚠️ ${message} Their agents are not counted here.\n\n`;
}
