import path from 'node:path';
import * as core from '@actions/core';
import type { AgentResult } from '../types.js';
import { readSlice } from '../util/files.js';
import { redactText } from '../util/redact.js';

/** Each agent's answer and the end of its stderr, folded away in the log. */
export async function showAgentLog(r: AgentResult, secrets: string[]): Promise<void> {
  await core.group(`${r.id}: ${r.status}`, async () => {
    if (r.error) core.info(`error: ${r.error}`);
    const files = r.changes ? 'changes.patch, workspace/ with the files it added or changed' : 'workspace/';
    core.info(`folder: ${r.outputDir} (events.jsonl, stderr.log, result.md, ${files})`);
    const answer = readSlice(path.join(r.outputDir, 'result.md'), 64 * 1024, 'start');
    if (answer) core.info(redactText(answer, secrets));
    const stderr = readSlice(path.join(r.outputDir, 'stderr.log'), 8 * 1024, 'end');
    if (stderr.trim()) core.info(`stderr:\n${redactText(stderr, secrets)}`);
  });
}
