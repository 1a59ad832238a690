import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretPatterns } from '../../src/util/redact.js';
import { stageAgentFolder } from '../../src/artifacts/stage.js';
import { createUploader, type UploadOutcome } from '../../src/artifacts/upload.js';
import { readZip, runtimeEnv, sha256, type Artifact } from '../../stand-ins/artifact-service.js';
import { useStandIns } from '../support/fixture.js';

const SECRET = 'sk-test-0123456789abcdef';
const QUOTED_SECRET = 'pa"ss\\word-42';
const SECRETS = [SECRET, QUOTED_SECRET, 'ab', ''];
const OUTSIDE = 'OUTSIDE-CONTENT-must-not-be-uploaded';
const CONFIG = 'CONFIG-CONTENT-must-not-be-uploaded';
const GIT = 'GIT-CONTENT-must-not-be-uploaded';
const BINARY = Buffer.concat([Buffer.from('BIN'), Buffer.from([0, 1, 2, 255]), Buffer.from('about binary')]);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-test-'));
const outsideFile = path.join(tmp, 'outside.txt');
const outsideDir = path.join(tmp, 'outside-dir');
fs.writeFileSync(outsideFile, OUTSIDE);
fs.mkdirSync(outsideDir);
fs.writeFileSync(path.join(outsideDir, 'inner.txt'), OUTSIDE);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (file: string, content: string | Buffer) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

/** An agent's folder as the runner leaves it, with the traps an agent could plant in its workspace. */
function makeAgentFolder(id: string): string {
  const dir = path.join(tmp, 'agents', `${id}-${Math.random().toString(36).slice(2)}`);
  write(path.join(dir, 'result.md'), `# Answer from ${id}\nabout the task\n`);
  write(path.join(dir, 'result.json'), JSON.stringify({ type: 'result', result: `done ${id}`, is_error: false }));
  const events = [
    { type: 'system', subtype: 'init', session_id: id },
    { type: 'assistant', message: { content: [{ type: 'text', text: `the key is ${SECRET}` }] } },
    { type: 'user', message: { content: `password ${QUOTED_SECRET} and again ${SECRET}` } },
  ];
  write(path.join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  write(path.join(dir, 'stderr.log'), `warning: ${SECRET}\n`);
  write(path.join(dir, 'workspace', 'report.md'), `report of ${id}\n`);
  write(path.join(dir, 'workspace', 'nested', 'notes.txt'), 'notes\n');
  write(path.join(dir, 'workspace', 'data.bin'), BINARY);
  write(path.join(dir, 'workspace', '.git', 'config'), GIT);
  write(path.join(dir, 'workspace', 'nested', '.git'), `gitdir: ${GIT}`);
  write(path.join(dir, 'workspace', 'bad:name.txt'), 'a name the artifact service refuses');
  fs.symlinkSync(outsideFile, path.join(dir, 'workspace', 'link-to-file'));
  fs.symlinkSync(outsideDir, path.join(dir, 'workspace', 'link-to-dir'));
  write(path.join(dir, 'config', '.credentials.json'), CONFIG);
  write(path.join(dir, 'attempt-1', 'events.jsonl'), `{"error":"${SECRET}"}\n`);
  write(path.join(dir, 'attempt-1', 'stderr.log'), 'overloaded\n');
  write(path.join(dir, 'attempt-1', 'config', 'settings.json'), CONFIG);
  write(path.join(dir, 'runner-notes.txt'), 'not part of the artifact');
  return dir;
}

const EXPECTED_FILES = [
  'attempt-1/events.jsonl',
  'attempt-1/stderr.log',
  'events.jsonl',
  'result.json',
  'result.md',
  'stderr.log',
  'workspace/data.bin',
  'workspace/nested/notes.txt',
  'workspace/report.md',
];

/** Checks one agent's unzipped artifact: the right files, nothing from outside, secrets masked. */
function expectAgentContents(files: Map<string, Buffer>, id: string, prefix = ''): void {
  expect([...files.keys()].sort()).toEqual(EXPECTED_FILES.map((f) => prefix + f));
  const text = (f: string) => files.get(prefix + f)?.toString('utf8') ?? '';
  expect(text('result.md')).toBe(`# Answer from ${id}\nabout the task\n`); // 'ab' is too short to mask
  expect(text('workspace/report.md')).toBe(`report of ${id}\n`);
  expect(files.get(prefix + 'workspace/data.bin')).toEqual(BINARY);
  expect(text('stderr.log')).toBe('warning: ***\n');
  expect(text('attempt-1/events.jsonl')).toBe('{"error":"***"}\n');
  const events = text('events.jsonl')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(events[1].message.content[0].text).toBe('the key is ***');
  expect(events[2].message.content).toBe('password *** and again ***');
  for (const [name, data] of files) {
    const content = data.toString('utf8');
    for (const banned of [SECRET, QUOTED_SECRET, JSON.stringify(QUOTED_SECRET).slice(1, -1), OUTSIDE, CONFIG, GIT]) {
      expect(content, `${name} holds ${banned}`).not.toContain(banned);
    }
  }
}

async function withEnv<T>(env: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await run();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('with the artifact service', () => {
  const standIns = useStandIns({ artifactService: true });
  let env: Record<string, string>;
  beforeAll(() => {
    env = standIns.artifactService.env();
  });

  it('uploads each agent as its own artifact as soon as it finishes', async () => {
    const ids = ['alpha', 'beta', 'gamma'];
    const dirs = new Map(ids.map((id) => [id, makeAgentFolder(id)]));
    const outcomes = await withEnv(env, async () => {
      const uploader = createUploader({
        mode: 'per-agent',
        prefix: 'run',
        retentionDays: 5,
        artifactsDir: path.join(tmp, 'unused'),
        secrets: SECRETS,
        concurrency: 2,
      });
      uploader.agentFinished('alpha', dirs.get('alpha') as string);
      // The first upload lands while the others are still "running", before finish() is called.
      await vi.waitFor(() => expect(standIns.artifactService.artifacts.map((a) => a.name)).toContain('run-alpha'), {
        timeout: 60_000,
        interval: 20,
      });
      uploader.agentFinished('beta', dirs.get('beta') as string);
      uploader.agentFinished('gamma', dirs.get('gamma') as string);
      return uploader.finish();
    });

    expect([...outcomes.keys()]).toEqual(ids);
    for (const id of ids) {
      const outcome = outcomes.get(id) as UploadOutcome;
      const artifact = standIns.artifactService.artifacts.find((a) => a.name === `run-${id}`) as Artifact;
      expect(outcome).toEqual({
        artifactName: `run-${id}`,
        artifactId: artifact.id,
        artifactUrl: `http://github.localhost/owner/repo/actions/runs/4242/artifacts/${artifact.id}`,
      });
      expect(artifact.expiresAt).toBeTruthy();
      const zip = await standIns.artifactService.download(`run-${id}`);
      expect(artifact.hash).toBe(`sha256:${sha256(zip)}`);
      expect(artifact.size).toBe(zip.length);
      expectAgentContents(readZip(zip), id);
    }
    expect(fs.existsSync(path.join(tmp, 'unused'))).toBe(false);
  });

  it('turns a 409 for one name into a warning on that agent and uploads the others', async () => {
    standIns.artifactService.takeName('taken-beta');
    const outcomes = await withEnv(env, async () => {
      const uploader = createUploader({ mode: 'per-agent', prefix: 'taken', artifactsDir: tmp, secrets: SECRETS });
      for (const id of ['alpha', 'beta', 'gamma']) uploader.agentFinished(id, makeAgentFolder(id));
      return uploader.finish();
    });
    const beta = outcomes.get('beta') as UploadOutcome;
    expect(beta.artifactName).toBe('taken-beta');
    expect(beta.artifactId).toBeUndefined();
    expect(beta.warning).toMatch(/409/);
    expect(beta.warning).toMatch(/different `artifact-prefix`/);
    for (const id of ['alpha', 'gamma']) {
      expect(outcomes.get(id)?.warning).toBeUndefined();
      expect(outcomes.get(id)?.artifactId).toBe(
        standIns.artifactService.artifacts.find((a) => a.name === `taken-${id}`)?.id,
      );
    }
    expect(standIns.artifactService.requests.filter((r) => r.status === 409)).toHaveLength(1);
  });

  it('turns any other failed upload into a warning', async () => {
    // A token the service did not issue: it answers 401, which the client does not retry.
    const otherRun = { ...env, ...runtimeEnv(standIns.artifactService.url, { runId: 'another-run' }) };
    const outcomes = await withEnv(otherRun, async () => {
      const uploader = createUploader({ mode: 'per-agent', prefix: 'other', artifactsDir: tmp, secrets: SECRETS });
      uploader.agentFinished('a', makeAgentFolder('a'));
      return uploader.finish();
    });
    expect(outcomes.get('a')).toEqual({
      artifactName: 'other-a',
      warning: expect.stringMatching(/^Artifact other-a was not uploaded: .*\(401\) Unauthorized/),
    });
    expect(standIns.artifactService.artifacts.map((a) => a.name)).not.toContain('other-a');
  });

  it('uploads one combined artifact with a folder per agent', async () => {
    const outcomes = await withEnv(env, async () => {
      const uploader = createUploader({ mode: 'combined', prefix: 'comb', artifactsDir: tmp, secrets: SECRETS });
      uploader.agentFinished('one', makeAgentFolder('one'));
      uploader.agentFinished('two', makeAgentFolder('two'));
      uploader.agentFinished('lost', path.join(tmp, 'no-such-folder'));
      return uploader.finish();
    });
    const artifact = standIns.artifactService.artifacts.find((a) => a.name === 'comb-all') as Artifact;
    expect(standIns.artifactService.artifacts.filter((a) => a.name.startsWith('comb-'))).toHaveLength(1);
    for (const id of ['one', 'two']) {
      expect(outcomes.get(id)).toEqual({
        artifactName: 'comb-all',
        artifactId: artifact.id,
        artifactUrl: `http://github.localhost/owner/repo/actions/runs/4242/artifacts/${artifact.id}`,
      });
    }
    expect(outcomes.get('lost')?.warning).toMatch(/comb-all was not uploaded.*ENOENT/);
    const zip = await standIns.artifactService.download('comb-all');
    expect(artifact.hash).toBe(`sha256:${sha256(zip)}`);
    const files = readZip(zip);
    expect(files.size).toBe(2 * EXPECTED_FILES.length);
    for (const id of ['one', 'two']) {
      const own = new Map([...files].filter(([name]) => name.startsWith(`${id}/`)));
      expectAgentContents(own, id, `${id}/`);
    }
  });
});

describe('outside GitHub Actions', () => {
  const local = { ACTIONS_RUNTIME_TOKEN: undefined, ACTIONS_RESULTS_URL: undefined };

  it('writes each artifact as a zip in artifactsDir', async () => {
    const artifactsDir = path.join(tmp, 'local-artifacts');
    const outcomes = await withEnv(local, async () => {
      const uploader = createUploader({ mode: 'per-agent', prefix: 'loc', artifactsDir, secrets: SECRETS });
      uploader.agentFinished('a', makeAgentFolder('a'));
      uploader.agentFinished('b', makeAgentFolder('b'));
      return uploader.finish();
    });
    expect(fs.readdirSync(artifactsDir).sort()).toEqual(['loc-a.zip', 'loc-b.zip']);
    for (const id of ['a', 'b']) {
      const zip = path.join(artifactsDir, `loc-${id}.zip`);
      expect(outcomes.get(id)).toEqual({ artifactName: `loc-${id}`, artifactUrl: zip });
      expectAgentContents(readZip(fs.readFileSync(zip)), id);
    }
  });

  it('writes the combined zip, and nothing at all in mode none', async () => {
    const artifactsDir = path.join(tmp, 'local-combined');
    const outcomes = await withEnv(local, async () => {
      const uploader = createUploader({ mode: 'combined', prefix: 'loc', artifactsDir, secrets: SECRETS });
      uploader.agentFinished('a', makeAgentFolder('a'));
      return uploader.finish();
    });
    expect(outcomes.get('a')?.artifactUrl).toBe(path.join(artifactsDir, 'loc-all.zip'));
    expectAgentContents(readZip(fs.readFileSync(path.join(artifactsDir, 'loc-all.zip'))), 'a', 'a/');

    const none = createUploader({ mode: 'none', prefix: 'x', artifactsDir: path.join(tmp, 'none'), secrets: [] });
    none.agentFinished('a', makeAgentFolder('a'));
    expect((await none.finish()).size).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'none'))).toBe(false);
  });

  it('refuses an agent reported twice or after finish()', async () => {
    const uploader = createUploader({ mode: 'none', prefix: 'x', artifactsDir: tmp, secrets: [] });
    uploader.agentFinished('a', tmp);
    expect(() => uploader.agentFinished('a', tmp)).toThrow(/twice/);
    await uploader.finish();
    expect(() => uploader.agentFinished('b', tmp)).toThrow(/after finish/);
  });
});

describe('stageAgentFolder', () => {
  it('leaves out symlinks at the top of the folder, FIFOs and unknown entries', async () => {
    const dir = path.join(tmp, 'staging-src');
    write(path.join(dir, 'stderr.log'), 'log\n');
    fs.symlinkSync(outsideFile, path.join(dir, 'result.md'));
    fs.symlinkSync(outsideDir, path.join(dir, 'workspace'));
    fs.symlinkSync(outsideDir, path.join(dir, 'attempt-1'));
    write(path.join(dir, 'attempt-2', 'workspace', 'kept.txt'), 'kept\n');
    if (process.platform !== 'win32') {
      fs.mkdirSync(path.join(dir, 'attempt-2', 'workspace', 'sub'));
      execFileSync('mkfifo', [path.join(dir, 'attempt-2', 'workspace', 'sub', 'pipe')]);
    }
    const dest = path.join(tmp, 'staging-dest');
    const staged = await stageAgentFolder(dir, dest, secretPatterns([]));
    expect(staged.files.map((f) => path.relative(dest, f).split(path.sep).join('/')).sort()).toEqual([
      'attempt-2/workspace/kept.txt',
      'stderr.log',
    ]);
    expect(staged.skipped).toEqual(
      expect.arrayContaining(['result.md (symlink)', 'workspace (symlink)', 'attempt-1 (symlink)']),
    );
    if (process.platform !== 'win32') {
      expect(staged.skipped).toContain('attempt-2/workspace/sub/pipe (not a regular file)');
    }
  });
});
