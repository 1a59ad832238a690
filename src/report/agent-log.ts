import path from 'node:path';
import * as core from '@actions/core';
import type { AgentResult } from '../types.js';
import { readSlice } from '../util/files.js';
import { logUntrusted } from '../util/log.js';
import { redactText } from '../util/redact.js';

/** Each agent's answer and the end of its stderr, folded away in the log, where the runner obeys none of it. */
export async function showAgentLog(r: AgentResult, secrets: string[]): Promise<void> {
  await core.group(`${r.id}: ${r.status}`, async () => {
    const lines: string[] = [];
    if (r.error) lines.push(`error: ${r.error}`);
    const files = r.changes?.patch
      ? 'changes.patch, workspace/ with the files it added or changed'
      : r.changes
        ? 'no changes, so no changes.patch'
        : 'workspace/';
    lines.push(`folder: ${r.outputDir} (events.jsonl, stderr.log, result.md, ${files})`);
    const answer = readSlice(path.join(r.outputDir, 'result.md'), 64 * 1024, 'start');
    if (answer) lines.push(answer);
    const stderr = readSlice(path.join(r.outputDir, 'stderr.log'), 8 * 1024, 'end');
    if (stderr.trim()) lines.push(`stderr:\n${stderr}`);
    logUntrusted(redactText(lines.join('\n'), secrets));
  });
}
