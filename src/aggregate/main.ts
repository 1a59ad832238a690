import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { knownSecrets } from '../agent/env.js';
import { shardArtifactName, validateArtifactNames } from '../artifacts/names.js';
import { fetchShardArtifacts } from '../artifacts/shards.js';
import { getAggregateInputs } from '../config/aggregate-inputs.js';
import { AGGREGATE_SLUG } from '../config/aggregate-interface.js';
import { deliver } from '../deliver/deliver.js';
import { createClient } from '../publish/client.js';
import { readEventContext } from '../publish/context.js';
import { openPublisher, planPublishing, progressInterval } from '../publish/publisher.js';
import { failureMessage } from '../report/outcome.js';
import { writeJobSummary, writeOutput, writeOutputs } from '../report/outputs.js';
import { renderReport, writeReport, type ReportInput } from '../report/report-file.js';
import { renderSummary } from '../report/summary.js';
import { readShardFolder } from '../shard/files.js';
import { mergeShards } from '../shard/merge.js';
import { redactResult, redactText } from '../util/redact.js';
import { hasArtifactService, runPage, runnerTemp } from '../util/runner.js';

/**
 * The aggregate action, run in a job that needs the shard jobs: every shard artifact of the run fetched, the
 * shards made into one run (`mergeShards`), and the outputs, the summary, the report, the comment or issue and
 * the step's fate written as the main action writes them for one run. Every error ends in one place, as in the
 * main action.
 */
export async function run(): Promise<void> {
  let secrets: string[] = [];
  try {
    const inputs = getAggregateInputs();
    const credentials = { anthropicApiKey: '', oauthToken: '', githubToken: inputs.githubToken };
    secrets = knownSecrets(credentials, process.env);
    const prefix = inputs.artifactPrefix;
    validateArtifactNames([shardArtifactName(prefix, { index: 1, count: 1 })]);
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
    const { count, missing, results, stats, runners } = mergeShards(
      fetched.map((f) => readShardFolder(f.name, f.shard, f.dir)),
    );
    core.info(`${count - missing.length} of ${count} shards, ${results.length} agents`);
    let note = '';
    if (missing.length) {
      const names = missing.map((index) => shardArtifactName(prefix, { index, count })).join(', ');
      const message =
        `${missing.length} of ${count} shards have no artifact: ${names}. Their jobs failed before uploading it, ` +
        `were cancelled, or used another \`artifact-prefix\`.`;
      if (!inputs.allowMissing) throw new Error(`${message} Set \`allow-missing: true\` to aggregate the others.`);
      core.warning(message);
      note = `> ⚠️ ${message} Their agents are not counted here.\n\n`;
    }

    writeOutputs(results, stats, runDir, secrets);
    if (inputs.summary) await writeJobSummary(note + renderSummary(results, stats, runners), secrets);
    // The agents' folders are on the shards' runners: the report shows the answers the results carry.
    const report: ReportInput = {
      results: results.map((r) => redactResult(r, secrets)),
      stats,
      answers: new Map(),
      runUrl: runPage(),
    };
    const reportFile = writeReport(runDir, renderReport(report));
    writeOutput('report-file', reportFile);
    const event = readEventContext();
    const github = inputs.githubToken && event.repo ? createClient(inputs.githubToken) : undefined;
    const publisher = openPublisher(github, event, planPublishing(event, inputs), {
      prefix,
      secrets,
      intervalMs: progressInterval(),
    });
    await deliver(report, reportFile, publisher, {
      prefix,
      uploadReport: true,
      artifactsDir: inputs.artifactsDir,
      secrets,
      cancelled: false,
    });
    const failure = failureMessage(inputs.failOn, results);
    if (failure) core.setFailed(failure);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    core.setFailed(redactText(message, secrets));
  }
}
