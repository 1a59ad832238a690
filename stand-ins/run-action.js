// Runs the bundled action (dist/index.js) the way a GitHub runner does: inputs as INPUT_* variables with
// the defaults from action.yml, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files to write to.
// Shared by the demo, the end-to-end tests and the benchmark.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The version and the `claude` executable of an installed CLI package, as its package.json says. Not
 * node_modules/.bin/claude: the two CLIs below both have a bin named `claude`, and which one npm links there
 * is not fixed.
 * @param {string} pkg the folder under node_modules
 * @returns {{ version: string, claude: string }}
 */
function installedCli(pkg) {
  const dir = path.join(ROOT, 'node_modules', pkg);
  const { version, bin } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { version, claude: path.join(dir, typeof bin === 'string' ? bin : bin.claude) };
}

/**
 * Every CLI the tests run: the pinned one (the devDependency @anthropic-ai/claude-code), the oldest the
 * action supports (the devDependency alias claude-code-2-1-100; see README), and 2.1.197 between them, whose
 * last words on repeated 529s carry no status field.
 */
export const CLIS = [
  installedCli('@anthropic-ai/claude-code'),
  installedCli('claude-code-2-1-100'),
  installedCli('claude-code-2-1-197'),
];
export const LOCAL_CLAUDE = CLIS[0].claude;
/** The stand-in CLI, for faults a real CLI cannot be made to show through the model. */
export const FAKE_CLAUDE = fileURLToPath(new URL('./fake-claude.js', import.meta.url));

/**
 * The INPUT_* variables for `inputs`, over the defaults that the action's action.yml declares.
 * @param {Record<string, string>} inputs
 * @param {string} [action] the action's folder, relative to the repository: '.' or 'aggregate'
 * @returns {Record<string, string>}
 */
export function inputEnv(inputs, action = '.') {
  const manifest = readManifest(action);
  const env = {};
  for (const [name, spec] of Object.entries(manifest.inputs)) {
    // Expressions such as ${{ github.token }} only mean something on a runner.
    const fallback = String(spec.default ?? '').includes('${{') ? '' : String(spec.default ?? '');
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(inputs[name] ?? fallback);
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in manifest.inputs)) throw new Error(`${action}/action.yml has no input named ${name}`);
  }
  return env;
}

/** @param {string} action */
function readManifest(action) {
  return parse(fs.readFileSync(path.join(ROOT, action, 'action.yml'), 'utf8'));
}

/**
 * Parses a GITHUB_OUTPUT file (name<<delimiter ... delimiter blocks).
 * @param {string} text
 * @returns {Record<string, string>}
 */
function parseOutputs(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    outputs[m[1]] = value.join('\n');
  }
  return outputs;
}

/**
 * Starts the action's entry as its action.yml names it (`node dist/index.js` for '.', the main action) in `dir`
 * (which becomes the workspace and holds the runner's files).
 * Returns the child and a promise of { code, signal, stdout, outputs, summary } when it ends.
 * `as` runs it as another user (the test must be root), who then owns `dir` and the runner's files.
 * @param {{ dir: string, inputs: Record<string, string>, env?: Record<string, string | undefined>,
 *   node?: string, onLine?: (line: string) => void, action?: string, as?: { uid: number, gid: number } }} options
 */
export function startAction({ dir, inputs, env = {}, node = process.execPath, onLine, action = '.', as }) {
  fs.mkdirSync(path.join(dir, 'runner-temp'), { recursive: true });
  const outputFile = path.join(dir, 'github-output');
  const summaryFile = path.join(dir, 'step-summary.md');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  if (as)
    for (const p of [dir, path.join(dir, 'runner-temp'), outputFile, summaryFile]) fs.chownSync(p, as.uid, as.gid);
  const entry = path.join(ROOT, action, readManifest(action).runs.main);
  const child = spawn(node, [entry], {
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
    cwd: dir,
    env: {
      ...process.env,
      ...inputEnv(inputs, action),
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: path.join(dir, 'runner-temp'),
      // The event of the job running the tests (on GitHub) is not this run's: a test that wants one passes it.
      GITHUB_EVENT_NAME: '',
      GITHUB_EVENT_PATH: '',
      GITHUB_REPOSITORY: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let pending = '';
  const take = (chunk) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (onLine) lines.forEach(onLine);
  };
  child.stdout.setEncoding('utf8').on('data', take);
  child.stderr.setEncoding('utf8').on('data', take);
  const done = new Promise((resolve) => {
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout,
        outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')),
        summary: fs.readFileSync(summaryFile, 'utf8'),
        summaryFile,
      }),
    );
  });
  return { child, done };
}
