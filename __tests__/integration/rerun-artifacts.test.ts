import fs from 'node:fs';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { afterAll, describe, expect, it } from 'vitest';
import { uploadFiles } from '../../src/artifacts/upload.js';
import { openEarlierAttempts } from '../../src/rerun/earlier.js';
import { writeAgentRecord } from '../../src/rerun/agent-record.js';
import { readZip } from '../../stand-ins/artifact-service.js';
import { makeResult } from '../support/results.js';
import { tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';

// The artifact stand-in as GitHub's service behaves across the attempts of one workflow run, driven by the real
// @actions/artifact client; and the action's uploads and its reading of earlier attempts against it.

const standIns = useStandIns({ artifactService: true });
const tmp = tempDir('rerun-artifacts-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder with one file `name` holding `text`. */
function folder(text: string, name = 'a.txt'): { root: string; files: string[] } {
  const root = fs.mkdtempSync(path.join(tmp, 'files-'));
  fs.writeFileSync(path.join(root, name), text);
  return { root, files: [path.join(root, name)] };
}

/** Runs `work` with the stand-in's env of the current attempt in process.env, and the rest put back after. */
async function inAttempt<T>(work: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, standIns.artifactService.env(), { RUNNER_TEMP: tmp });
  try {
    return await work();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const content = async (name: string) =>
  readZip(await standIns.artifactService.download(name))
    .get('a.txt')
    ?.toString();
const named = (name: string) => standIns.artifactService.artifacts.filter((a) => a.name === name);
const opts = { artifactsDir: path.join(tmp, 'unused'), secrets: [] };

describe('the artifact stand-in across attempts', () => {
  it('keeps names unique per run, lists and serves earlier attempts, deletes, and gives each attempt a job id', async () => {
    const service = standIns.artifactService;
    const client = new DefaultArtifactClient();
    const first = folder('first');
    await inAttempt(() => client.uploadArtifact('st-one', first.files, first.root));
    await expect(inAttempt(() => client.uploadArtifact('st-one', first.files, first.root))).rejects.toThrow(/\(409\)/);
    const oldToken = service.env().ACTIONS_RUNTIME_TOKEN;

    service.newAttempt();
    const jobOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).scp.split(':')[2] as string;
    expect(service.env().GITHUB_RUN_ATTEMPT).toBe('2');
    expect(jobOf(service.env().ACTIONS_RUNTIME_TOKEN)).not.toBe(jobOf(oldToken));
    // Attempt 2 sees attempt 1's artifact, may not take its name, reads it, and may delete it.
    const listed = await inAttempt(() => client.listArtifacts());
    expect(listed.artifacts.map((a) => a.name)).toContain('st-one');
    const second = folder('second');
    await expect(inAttempt(() => client.uploadArtifact('st-one', second.files, second.root))).rejects.toThrow(
      /\(409\)/,
    );
    const into = path.join(tmp, 'download-st-one');
    const id = listed.artifacts.find((a) => a.name === 'st-one')!.id;
    await inAttempt(() => client.downloadArtifact(id, { path: into }));
    expect(fs.readFileSync(path.join(into, 'a.txt'), 'utf8')).toBe('first');
    await inAttempt(() => client.deleteArtifact('st-one'));
    expect(named('st-one')).toEqual([]);
    await inAttempt(() => client.uploadArtifact('st-one', second.files, second.root));
    expect(named('st-one').map((a) => a.attempt)).toEqual([2]);
    expect(await content('st-one')).toBe('second');
    // The first attempt's token is no longer accepted.
    const stale = service.requests.length;
    await expect(
      fetch(`${service.url}twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${oldToken}`, 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.status),
    ).resolves.toBe(401);
    expect(service.requests.slice(stale).map((r) => r.status)).toEqual([401]);
  });
});

describe("the action's uploads in a re-run", () => {
  it("replaces its own earlier attempt's artifact: no 409 reaches the user", async () => {
    const before = folder('from the attempt before');
    const outcome1 = await inAttempt(() => uploadFiles('re-agent', before.root, before.files, opts));
    expect(outcome1.warning).toBeUndefined();
    standIns.artifactService.newAttempt();
    const again = folder('from this attempt');
    const outcome2 = await inAttempt(() => uploadFiles('re-agent', again.root, again.files, opts));
    expect(outcome2.warning).toBeUndefined();
    expect(outcome2.artifactName).toBe('re-agent');
    expect(named('re-agent')).toHaveLength(1);
    expect(named('re-agent')[0]!.id).toBe(outcome2.artifactId);
    expect(await content('re-agent')).toBe('from this attempt');
  });

  it('recovers an artifact half made by an interrupted try, under a name that says so', async () => {
    const service = standIns.artifactService;
    const attempt = service.attempt;
    service.failFinalize('half-made');
    const files = folder('whole');
    const outcome = await inAttempt(() => uploadFiles('half-made', files.root, files.files, opts));
    expect(outcome.warning).toBeUndefined();
    expect(outcome.artifactName).toBe(`half-made-attempt-${attempt}`);
    expect(named(`half-made-attempt-${attempt}`)[0]?.id).toBe(outcome.artifactId);
    expect(await content(`half-made-attempt-${attempt}`)).toBe('whole');
    // The half-made one was never finished: nothing of that name is listed.
    expect(named('half-made')).toEqual([]);
  });

  it('retries a try whose answer was lost after it took the name', async () => {
    const service = standIns.artifactService;
    service.failCreate('lost-answer');
    const files = folder('kept');
    const outcome = await inAttempt(() => uploadFiles('lost-answer', files.root, files.files, opts));
    expect(outcome.warning).toBeUndefined();
    expect(named(outcome.artifactName)).toHaveLength(1);
    expect(await content(outcome.artifactName)).toBe('kept');
  });
});

describe('reading what an earlier attempt left', () => {
  it("gives an agent's earlier result, unpacked where its output goes, marked with the attempt", async () => {
    const service = standIns.artifactService;
    const agentDir = path.join(tmp, 'earlier-agent');
    fs.mkdirSync(agentDir);
    fs.writeFileSync(path.join(agentDir, 'result.md'), 'the earlier answer');
    const result = makeResult('ea', { outputDir: agentDir, answer: 'the earlier answer', costUsd: 0.5 });
    const made = service.attempt;
    writeAgentRecord(result, made);
    const files = ['result.md', 'agent.json'].map((f) => path.join(agentDir, f));
    await inAttempt(() => uploadFiles('pre-ea', agentDir, files, opts));
    service.newAttempt();
    const into = path.join(tmp, 'run', 'ea');
    fs.mkdirSync(path.dirname(into), { recursive: true });
    const earlier = await inAttempt(() =>
      openEarlierAttempts({ prefix: 'pre', artifactsDir: opts.artifactsDir, secrets: [] }),
    );
    const read = await inAttempt(() => earlier.fetch('ea', into));
    expect(read).toMatchObject({ id: 'ea', status: 'success', reusedFrom: made, outputDir: into, costUsd: 0.5 });
    expect(read?.artifactId).toBe(named('pre-ea')[0]!.id);
    expect(read?.artifactUrl).toMatch(/\/actions\/runs\/4242\/artifacts\/\d+$/);
    expect(fs.readFileSync(path.join(into, 'result.md'), 'utf8')).toBe('the earlier answer');
    // An agent with no artifact is not found, and leaves nothing behind.
    const none = path.join(tmp, 'run', 'nobody');
    await expect(inAttempt(() => earlier.fetch('nobody', none))).resolves.toBeUndefined();
    expect(fs.existsSync(none)).toBe(false);
  });
});
