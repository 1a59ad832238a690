import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import { isInternalAddress } from './allowed-hosts.js';

// How the forward proxy turns a name into an address. Agents behind the firewall get no DNS at all: the proxy
// resolves for them, only names on their list. A hosts file named in the action's environment comes first, so
// that tests (and a runner with names of its own) can point names at servers on this machine; what DNS answers
// for any other name must not be this machine or the cloud's metadata service, or an allowed name that
// resolves to 127.0.0.1 would open every loopback service the firewall closed.

/** The action's environment variable naming such a hosts file (`/etc/hosts` format). */
export const HOSTS_FILE_ENV = 'CLAUDE_AGENT_MATRIX_HOSTS_FILE';

/** The address to connect to for `host`, or why there is none. */
export type Resolve = (host: string) => Promise<{ address: string } | { error: string }>;

/** Reads an `/etc/hosts`-format file into name → address (the first address given for a name wins). */
export function parseHostsFile(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || net.isIP(address) === 0) continue;
    for (const name of aliases) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), address);
  }
  return names;
}

/** The proxy's resolver: the hosts file of `HOSTS_FILE_ENV` when set, then DNS. */
export function resolverFrom(env: NodeJS.ProcessEnv): Resolve {
  const file = env[HOSTS_FILE_ENV];
  const hosts = file ? parseHostsFile(fs.readFileSync(file, 'utf8')) : new Map<string, string>();
  return async (host) => {
    const name = host.toLowerCase().replace(/\.$/, '');
    const mapped = hosts.get(name);
    if (mapped) return { address: mapped };
    if (net.isIP(name)) return { address: name };
    try {
      const { address } = await dns.lookup(name);
      if (isInternalAddress(address)) return { error: `${name} resolves to ${address}, an address of this machine` };
      return { address };
    } catch (err) {
      return { error: `${name} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'no answer'})` };
    }
  };
}
