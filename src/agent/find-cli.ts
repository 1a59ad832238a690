import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import * as io from '@actions/io';
import { InputError } from '../util/errors.js';
import { toolCache } from '../util/runner.js';

/**
 * Finds the CLI to run: `claude-path` when given, else `claude` on PATH, else the pinned version
 * installed with npm into the runner's tool cache (reused by later steps on the same runner).
 */
export async function resolveClaude(claudePath: string, version: string, workspace: string): Promise<string> {
  if (claudePath) {
    const full = path.resolve(workspace, claudePath);
    try {
      fs.accessSync(full, fs.constants.X_OK);
    } catch {
      throw new InputError(`Input 'claude-path' must name an executable Claude Code CLI; ${full} is not one`);
    }
    return full;
  }
  const onPath = await io.which('claude', false);
  if (onPath) return onPath;

  const prefix = path.join(toolCache(), 'claude-code', version);
  const bin = path.join(prefix, 'node_modules', '.bin', 'claude');
  if (!fs.existsSync(bin)) {
    core.info(`No claude on PATH: installing @anthropic-ai/claude-code@${version} into ${prefix}`);
    await exec.exec('npm', [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      `@anthropic-ai/claude-code@${version}`,
    ]);
  }
  return bin;
}
