import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLeftovers } from '../../src/isolation/firewall.js';
import { HOSTS_FILE_ENV } from '../../src/isolation/resolver.js';
import { setUpAgentUser } from '../../src/isolation/user.js';
import type { AgentResult } from '../../src/types.js';
import { FAKE_CLAUDE, LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { alive, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';
import { ensurePackage } from '../support/packages.js';
import { sudoRunner } from '../support/sudo-runner.js';

// `allowed-hosts` with everything real but the internet: node dist/index.js as the runner runs it, the real
// CLI's Bash tool as an agent user of this file's own (other files use claude-agent at the same time, and the
// firewall acts on a uid), curl as the tool an agent would use, and nftables. Servers under test names stand in
// for the internet's hosts: the action's proxy resolves the names through a hosts file only tests give it.

const standIns = useStandIns({ model: true, artifactService: true });

/** This file's agent user, made before its tests and removed after them. */
const USER = 'cam-fw-agent';
const API_KEY = 'sk-ant-allowed-hosts-test-0123456789';
const TABLE_TAG = 'claude_agent_matrix_';

interface Servers {
  allowed: number;
  refused: number;
  dns: number;
  dnsQueries: string[];
  hostsFile: string;
  close(): Promise<void>;
}

/** A web server that says who it is. */
async function webServer(name: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.end(`hello from ${name}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A DNS server that answers 127.0.0.1 to every A query, and notes each name it was asked for. */
async function dnsServer(queries: string[]): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, peer) => {
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i]! > 0) {
      labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString());
      i += msg[i]! + 1;
    }
    queries.push(labels.join('.'));
    const question = msg.subarray(12, i + 5);
    const header = Buffer.from([msg[0]!, msg[1]!, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    const answer = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
    socket.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

async function startServers(): Promise<Servers> {
  const dnsQueries: string[] = [];
  const [allowed, refused, dns] = await Promise.all([
    webServer('allowed'),
    webServer('refused'),
    dnsServer(dnsQueries),
  ]);
  const dir = tempDir('hosts-file-');
  fs.chmodSync(dir, 0o755);
  const hostsFile = path.join(dir, 'hosts');
  fs.writeFileSync(hostsFile, '127.0.0.1 allowed.test refused.test model.test\n', { mode: 0o644 });
  const port = (s: http.Server) => (s.address() as net.AddressInfo).port;
  return {
    allowed: port(allowed),
    refused: port(refused),
    dns: dns.address().port,
    dnsQueries,
    hostsFile,
    close: async () => {
      await Promise.all([allowed, refused].map((s) => new Promise((r) => s.close(r))));
      dns.close();
    },
  };
}

// What the agent's Bash runs: each way out, and what came back. curl reads HTTPS_PROXY and HTTP_PROXY.
const PROBE = `A=$1 R=$2 ART=$3 DNS=$4
try() { label=$1; shift; echo "$label: $("$@" 2>&1 | tr '\\n' ' ')"; }
try "proxy variable" sh -c 'test -n "$HTTPS_PROXY" && echo set || echo unset'
try "tunnel to allowed" curl -sS --max-time 20 --proxytunnel "http://allowed.test:$A/"
try "request to allowed" curl -sS --max-time 20 "http://allowed.test:$A/"
try "tunnel to refused" curl -sS --max-time 20 --proxytunnel "http://refused.test:$R/"
try "request to refused" curl -sS --max-time 20 "http://refused.test:$R/"
try "direct to allowed" curl -sS --max-time 20 --noproxy '*' "http://127.0.0.1:$A/"
try "artifact service" curl -sS --max-time 20 --noproxy '*' -o /dev/null -w 'status %{http_code}' "http://127.0.0.1:$ART/"
try "dns" node -e '
const r = new (require("dns").promises.Resolver)({ timeout: 3000, tries: 1 });
r.setServers(["127.0.0.1:" + process.argv[1]]);
r.resolve4("secret.exfil.test").then((a) => console.log("answer " + a), (e) => console.log("no answer " + e.code));
' "$DNS"
`;

/** A checkout with the probe in it, as the agent-user tests make one: readable by all, one commit. */
function checkout(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'probe.sh'), PROBE);
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '--allow-empty', '-m', 'start');
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
  return dir;
}

/** The tables of this action in the firewall now. */
function ourTables(): string[] {
  const listing = execFileSync('nft', ['list', 'tables', 'inet'], { encoding: 'utf8' });
  return [...listing.matchAll(/table inet (claude_agent_matrix_\S+)/g)].map((m) => m[1]!);
}

/** The table a run said it made. */
const tableOf = (stdout: string) => /nft table (claude_agent_matrix_\d+_\d+)/.exec(stdout)?.[1];

let servers: Servers;
beforeAll(async () => {
  ensurePackage('nftables', ['nft', '--version'], 'these tests fence an agent user with nftables');
  ensurePackage('curl', ['curl', '--version'], "these tests reach hosts with curl, from an agent's Bash");
  servers = await startServers();
  await setUpAgentUser(USER);
});
/** Actions that hang until stopped: a test that failed before stopping one leaves it to afterAll. */
const hangingActions: ReturnType<typeof startAction>[] = [];

afterAll(async () => {
  for (const action of hangingActions) {
    if (action.child.exitCode !== null || action.child.signalCode !== null) continue;
    action.child.kill('SIGINT');
    await action.done;
  }
  await servers?.close();
  // Whatever a failed test left: tables of processes that are gone, then the user.
  await removeLeftovers('root');
  execFileSync('userdel', [USER], { stdio: 'ignore' });
}, 60_000);

interface Probe {
  run: Awaited<ReturnType<typeof startAction>['done']>;
  result: AgentResult;
  /** What the agent's Bash saw, from its event log. */
  seen: string;
  report: string;
}

async function probe(prefix: string, allowedHosts: string, as?: { uid: number; gid: number }): Promise<Probe> {
  const dir = checkout(prefix, as);
  const art = new URL(standIns.artifactService.url).port;
  const args = [servers.allowed, servers.refused, art, servers.dns].join(' ');
  const action = startAction({
    dir,
    as,
    inputs: {
      prompts: JSON.stringify([{ id: 'probe', prompt: `Look around\n@bash sh ${dir}/probe.sh ${args}` }]),
      'claude-path': LOCAL_CLAUDE,
      'anthropic-api-key': API_KEY,
      'allowed-tools': 'Bash',
      'artifact-prefix': prefix,
      'agent-user': USER,
      'allowed-hosts': allowedHosts,
    },
    env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: dir, [HOSTS_FILE_ENV]: servers.hostsFile },
  });
  const run = await action.done;
  const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
  expect(result?.status, run.stdout).toBe('success');
  const seen = fs.readFileSync(path.join(result!.outputDir, 'events.jsonl'), 'utf8');
  const report = fs.readFileSync(run.outputs['report-file'] ?? '', 'utf8');
  return { run, result: result!, seen, report };
}

/** What every run with `allowed.test` on its list must show, however the action acts for the agent user. */
function fenced(get: () => Probe) {
  it('reaches an allowed host through the proxy, by CONNECT and by a plain request, while the model API works', () => {
    const { seen } = get();
    expect(seen).toContain('proxy variable: set');
    expect(seen).toContain('tunnel to allowed: hello from allowed');
    expect(seen).toContain('request to allowed: hello from allowed');
  });

  it('is refused a host not on the list, a direct connection, a loopback service and DNS', () => {
    const { seen } = get();
    expect(seen).toMatch(/tunnel to refused: curl: \(56\)[^\n]*403/);
    expect(seen).toContain('request to refused: 403 not on allowed-hosts');
    expect(seen).not.toContain('hello from refused');
    expect(seen).toMatch(/direct to allowed: curl: \(7\)/);
    expect(seen).toMatch(/artifact service: curl: \(7\)[^\n]*status 000/);
    expect(seen).toMatch(/dns: no answer/);
    expect(servers.dnsQueries).not.toContain('secret.exfil.test');
  });

  it('logs each refused host once, and lists it in the summary, report.md and the results', () => {
    const { run, result, report } = get();
    expect(run.stdout.split('\n').filter((l: string) => l.includes('probe was refused refused.test'))).toHaveLength(1);
    expect(result.refusedHosts).toEqual(['refused.test']);
    for (const text of [run.summary, report]) {
      expect(text).toContain('### Hosts refused by `allowed-hosts`');
      expect(text).toContain('- `probe`: `refused.test`');
    }
  });

  it('takes its firewall table away at the end', () => {
    const table = tableOf(get().run.stdout);
    expect(table).toMatch(new RegExp(`^${TABLE_TAG}`));
    expect(ourTables()).not.toContain(table);
  });
}

describe('allowed-hosts set, the action as root', () => {
  let probed: Probe;
  beforeAll(async () => {
    probed = await probe('fw-root', 'allowed.test');
  }, 180_000);
  fenced(() => probed);
});

describe('allowed-hosts set, the action acting through sudo as on a GitHub-hosted runner', () => {
  let probed: Probe;
  beforeAll(async () => {
    probed = await probe('fw-sudo', 'allowed.test', sudoRunner());
  }, 180_000);
  fenced(() => probed);
});

describe('a model API that is not on this machine, with api-proxy off', () => {
  it('is reached through the forward proxy, with allowed-hosts none', async () => {
    const dir = checkout('fw-model');
    const before = standIns.model.stats.requests;
    const run = await startAction({
      dir,
      inputs: {
        prompts: JSON.stringify([{ id: 'remote', prompt: 'Say hello\n@answer hello through the proxy' }]),
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': API_KEY,
        'agent-user': USER,
        'allowed-hosts': 'none',
        // Without the action's API proxy, which would reach the model from the action's own process.
        'api-proxy': 'off',
        upload: 'none',
      },
      env: {
        ...standIns.env(),
        // As the public API is: a name the proxy resolves, not a loopback address the firewall opens.
        ANTHROPIC_BASE_URL: `http://model.test:${new URL(standIns.model.url).port}`,
        ANTHROPIC_API_KEY: '',
        HOME: dir,
        [HOSTS_FILE_ENV]: servers.hostsFile,
      },
    }).done;
    const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(result, run.stdout).toMatchObject({ status: 'success', answer: 'hello through the proxy' });
    expect(standIns.model.stats.requests).toBeGreaterThan(before);
    expect(run.stdout).toMatch(/lets cam-fw-agent reach only port \d+ on loopback/);
    expect(run.stdout).not.toContain('was refused');
  }, 180_000);
});

describe('allowed-hosts empty: as today', () => {
  it('sets no proxy and no firewall: the agent reaches whatever the machine reaches', async () => {
    const { seen, run, result } = await probe('fw-empty', '');
    expect(seen).toContain('proxy variable: unset');
    expect(seen).toContain('direct to allowed: hello from allowed');
    expect(seen).toContain('dns: answer 127.0.0.1');
    expect(run.stdout).not.toContain('allowed-hosts:');
    expect(result.refusedHosts).toBeUndefined();
  }, 180_000);
});

/** Starts the stand-in CLI as this file's user with a list, hanging until stopped; `lines`: its output so far. */
function hanging(prefix: string, prompt: string) {
  const dir = checkout(prefix);
  const lines: string[] = [];
  const action = startAction({
    dir,
    inputs: {
      prompts: JSON.stringify([{ id: 'waits', prompt }]),
      'claude-path': FAKE_CLAUDE,
      'anthropic-api-key': API_KEY,
      'agent-user': USER,
      'allowed-hosts': 'allowed.test',
      upload: 'none',
    },
    env: { ...standIns.env(), HOME: dir, [HOSTS_FILE_ENV]: servers.hostsFile },
    onLine: (line) => lines.push(line),
  });
  hangingActions.push(action);
  return { dir, action, lines };
}

/** Waits (up to 90 s: the machine may be busy) for the stand-in CLI of agent `waits` under `dir` to write its pid. */
async function cliPid(dir: string): Promise<number> {
  const until = Date.now() + 90_000;
  for (;;) {
    const temp = path.join(dir, 'runner-temp');
    const run = fs.readdirSync(temp).find((n) => n.startsWith('claude-agent-matrix-'));
    // The agent's worktree, where the stand-in CLI runs and writes its pid.
    const file = path.join(temp, run ?? '-', '.workspaces', 'waits', 'claude.pid');
    const pid = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
    if (pid > 0) return pid;
    if (Date.now() > until) throw new Error(`the stand-in CLI wrote no pid under ${dir}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the firewall table goes whatever the end', () => {
  it('after a failure', async () => {
    const dir = checkout('fw-fail');
    const run = await startAction({
      dir,
      inputs: {
        prompts: JSON.stringify([{ id: 'fails', prompt: 'fail\n@error it went wrong' }]),
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': API_KEY,
        'agent-user': USER,
        // The model API only: fenced as any list is.
        'allowed-hosts': 'none',
        upload: 'none',
      },
      env: { ...standIns.env(), HOME: dir, [HOSTS_FILE_ENV]: servers.hostsFile },
    }).done;
    expect(run.code, run.stdout).not.toBe(0);
    const table = tableOf(run.stdout);
    expect(table).toBeDefined();
    expect(ourTables()).not.toContain(table);
  }, 180_000);

  it('after a cancel', async () => {
    const { dir, action, lines } = hanging('fw-cancel', 'wait\n@pid\n@hang');
    const pid = await cliPid(dir);
    const table = tableOf(lines.join('\n'));
    expect(ourTables()).toContain(table);
    action.child.kill('SIGINT');
    const run = await action.done;
    expect(alive(pid)).toBe(false);
    expect(ourTables()).not.toContain(table);
    expect(run.stdout).toContain('cancelled');
  }, 180_000);

  it('left by a step killed outright, at the next start, which then reaches the model', async () => {
    const { dir, action, lines } = hanging('fw-killed', 'wait\n@pid\n@hang');
    const pid = await cliPid(dir);
    const table = tableOf(lines.join('\n'));
    action.child.kill('SIGKILL');
    await action.done;
    // The CLI was the agent's process-group leader; end what the killed step could not.
    process.kill(-pid, 'SIGKILL');
    expect(ourTables()).toContain(table);

    // The next step lists no hosts; the table left would refuse its agent the model.
    const next = checkout('fw-next');
    const run = await startAction({
      dir: next,
      inputs: {
        prompts: JSON.stringify([{ id: 'next', prompt: 'Say hello' }]),
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': API_KEY,
        'agent-user': USER,
        upload: 'none',
      },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: '', HOME: next },
    }).done;
    expect(run.stdout).toContain(`removed the firewall table ${table}, left by a step that was killed`);
    expect(ourTables()).not.toContain(table);
    const [result] = JSON.parse(run.outputs.results ?? '[]') as AgentResult[];
    expect(result?.status, run.stdout).toBe('success');
  }, 300_000);
});

describe('where the list cannot be enforced', () => {
  it('fails the step before any agent starts, saying why and what would make it work', async () => {
    const runner = sudoRunner();
    const dir = checkout('fw-none', runner);
    const run = await startAction({
      dir,
      as: runner,
      inputs: {
        prompts: JSON.stringify([{ id: 'never', prompt: '@result should not run' }]),
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': API_KEY,
        'agent-user': 'none',
        'allowed-hosts': 'github',
        upload: 'none',
      },
      env: { ...standIns.env(), HOME: dir },
    }).done;
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain(
      "Input 'allowed-hosts' is set, but agents run as the action's own user, so no firewall can tell",
    );
    expect(run.stdout).toContain('Set agent-user to auto');
    expect(run.stdout).not.toContain('should not run');
    expect(fs.readdirSync(path.join(dir, 'runner-temp')).some((n) => n.startsWith('claude-agent-matrix-'))).toBe(false);
  }, 180_000);
});
