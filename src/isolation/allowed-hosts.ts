import net from 'node:net';

// The pure half of `allowed-hosts`: whether a name an agent asked for is on its list, what of the names it
// asks for is fit to be logged, and where the model API is. The proxy and the firewall act on these answers.

/** Whether `host` (as a CONNECT or a request line names it) is on `patterns`; no list at all allows any. */
export function hostAllowed(host: string, patterns: readonly string[] | undefined): boolean {
  if (patterns === undefined) return true;
  const name = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) =>
    p.startsWith('*.') ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p,
  );
}

/** A name as DNS spells it, or an IP address: safe to print and to list in a report as it is. */
export function isPrintableHost(host: string): boolean {
  return (
    net.isIP(host) !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(host)
  );
}

/** Loopback names: where the CLI reaches a model server on this machine directly, never through the proxy. */
export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];

/** Where agents reach the model: a port on this machine's loopback, or a host through the forward proxy. */
export type ModelEndpoint = { loopbackPort: number } | { host: string };

/**
 * The model API agents are given, read from the environment they inherit. Until the action's own API proxy
 * serves the model on loopback, this is the one place that decides how agents behind the firewall reach it:
 * `ANTHROPIC_BASE_URL` on loopback (a gateway or a stand-in on this machine) is a loopback port the agent user
 * may reach; any other base URL, or none (the public API), is a host every agent's list allows. Providers that
 * take other variables (Bedrock, Vertex AI) name their hosts in `allowed-hosts` themselves.
 */
export function modelEndpoint(env: NodeJS.ProcessEnv): ModelEndpoint {
  const base = env.ANTHROPIC_BASE_URL?.trim();
  if (!base) return { host: 'api.anthropic.com' };
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return { host: 'api.anthropic.com' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!LOOPBACK_NAMES.includes(host) && !host.startsWith('127.')) return { host };
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return { loopbackPort: port };
}

/** Addresses the proxy never connects to for a name it resolved: this machine and the cloud's metadata service. */
export function isInternalAddress(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, '');
  if (net.isIPv4(v4)) return /^(127\.|0\.|169\.254\.)/.test(v4);
  const v6 = address.toLowerCase();
  return v6 === '::1' || v6 === '::' || /^fe[89ab]/.test(v6);
}
