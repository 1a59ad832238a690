import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../util/errors.js';
import { startTicksOf, stillRunning } from '../util/proc-stat.js';
import { failed, privileged, type AgentUser } from './run-as.js';

// The kernel's half of `allowed-hosts`: an nftables table that lets the agent user's processes reach the given
// ports on loopback (the action's proxies) and nothing else, DNS included. A tool that ignores HTTPS_PROXY gets
// a refused connection, at once. Every table is named after the action and the process that made it (its pid
// and start time), so a step removes its own, and the next step to start removes any whose maker is gone (a
// step killed outright), touching no other table and no table of a step still running.

const TAG = 'claude_agent_matrix';
const TABLE = new RegExp(`^table inet (${TAG}_(\\d+)_(\\d+))$`);

/** The nftables script of one step's table: loopback `ports` open to `uid`, every other packet of it refused. */
export function nftRuleset(table: string, uid: number, ports: readonly number[]): string {
  const open = ports.length ? `    meta skuid ${uid} oifname "lo" tcp dport { ${ports.join(', ')} } accept\n` : '';
  return (
    `table inet ${table} {\n` +
    `  chain output {\n` +
    `    type filter hook output priority filter; policy accept;\n` +
    open +
    `    meta skuid ${uid} reject\n` +
    `  }\n` +
    `}\n`
  );
}

/** The tables of `listing` (`nft list tables`) that a step which is no longer running left behind. */
export function leftoverTables(listing: string, alive: (pid: number, startTime: number) => boolean): string[] {
  return listing
    .split('\n')
    .map((line) => TABLE.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null && !alive(Number(m[2]), Number(m[3])))
    .map((m) => m[1]!);
}

/** This process's table name. */
function ownTable(): string {
  return `${TAG}_${process.pid}_${startTicksOf(process.pid) ?? 0}`;
}

/**
 * Removes what steps that were killed left behind. Quiet where there is no nft or no right to use it: then
 * there is nothing of ours to remove either. Returns the tables removed.
 */
export async function removeLeftovers(via: AgentUser['via']): Promise<string[]> {
  const listed = await privileged(via, ['nft', 'list', 'tables', 'inet']);
  if (listed.code !== 0) return [];
  const removed: string[] = [];
  for (const table of leftoverTables(listed.stdout, stillRunning)) {
    const r = await privileged(via, ['nft', 'delete', 'table', 'inet', table]);
    if (r.code === 0) removed.push(table);
  }
  return removed;
}

export interface Firewall {
  table: string;
  /** Removes the table; safe to call more than once. */
  remove(): Promise<void>;
}

/**
 * Lets `user` reach only `ports` on loopback. Throws an InputError naming `allowed-hosts` and the fix when the
 * rules cannot be put in place (no nft, or no right to change the firewall): the list is never quietly open.
 */
export async function fenceUser(user: AgentUser, ports: readonly number[]): Promise<Firewall> {
  const table = ownTable();
  // nft reads the script from a file (stdin would need a pipe through sudo), in a folder of our own, which no
  // one can have laid a link in first. The script holds no secret.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TAG}-`));
  const script = path.join(dir, 'rules.nft');
  fs.writeFileSync(script, nftRuleset(table, user.uid, ports));
  let r: Awaited<ReturnType<typeof privileged>>;
  try {
    r = await privileged(user.via, ['nft', '-f', script]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (r.code !== 0) {
    const why = r.code === 127 ? 'nft is not installed' : `nft refused the rules (${failed(r)})`;
    throw new InputError(
      `Input 'allowed-hosts' is set, but the firewall that enforces it cannot be set up: ${why}. ` +
        `Install nftables (apt-get install nftables) and run the job as root or with passwordless sudo, on a ` +
        `machine whose firewall the job may change (not an unprivileged container), or leave allowed-hosts empty.`,
    );
  }
  let removed = false;
  return {
    table,
    async remove() {
      if (removed) return;
      removed = true;
      await privileged(user.via, ['nft', 'delete', 'table', 'inet', table]);
    },
  };
}
