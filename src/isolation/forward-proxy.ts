import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { hostAllowed, isPrintableHost } from './allowed-hosts.js';
import type { Resolve } from './resolver.js';

// The forward proxy agents reach the network through when `allowed-hosts` is set (HTTPS_PROXY, HTTP_PROXY). It
// tunnels CONNECT to hosts on the asking agent's list, without looking inside (no TLS interception), forwards
// plain-HTTP requests to them, and refuses anything else with 403. It resolves names itself, since the agents
// have no DNS. Each agent's proxy URL carries a user name and a token of its own, which is how the proxy knows
// whose list applies and whose refusals to count; a client that sends neither gets the run's list.

export interface ForwardProxyOptions {
  /**
   * The list of the agent with this id (`id` undefined: a client that did not say who it is); undefined: any
   * host.
   */
  listFor(id: string | undefined): readonly string[] | undefined;
  resolve: Resolve;
  /** Hears each host refused to an agent, the first time only; `host` is safe to print. */
  onRefused(id: string | undefined, host: string): void;
}

export interface ForwardProxy {
  port: number;
  /** The proxy URL agent `id` is given, with its user name and token. */
  urlFor(id: string): string;
  /** The hosts refused to agent `id` so far, in the order it asked. */
  refused(id: string): string[];
  close(): Promise<void>;
}

/** The most refused hosts kept (and logged) per agent. */
const MAX_REFUSALS = 50;

/** What a refused host is called when its name is not fit to print or list. */
const MALFORMED = '(a malformed host name)';

/** Starts the proxy on an ephemeral port of 127.0.0.1. */
export async function startForwardProxy(options: ForwardProxyOptions): Promise<ForwardProxy> {
  const tokens = new Map<string, string>();
  const refusals = new Map<string | undefined, string[]>();
  const identify = (header: string | undefined): string | undefined => {
    const m = /^basic\s+(\S+)$/i.exec(header ?? '');
    const [id, token] = m ? Buffer.from(m[1]!, 'base64').toString().split(':') : [];
    return id !== undefined && tokens.get(id) === token ? id : undefined;
  };
  /** Whether `host` may be reached by the client of `req`; records and reports the refusal when not. */
  const admit = (req: http.IncomingMessage, host: string): boolean => {
    const id = identify(req.headers['proxy-authorization']);
    if (isPrintableHost(host) && hostAllowed(host, options.listFor(id))) return true;
    const shown = isPrintableHost(host) ? host.toLowerCase() : MALFORMED;
    const seen = refusals.get(id) ?? [];
    // An agent asking for endless names must not grow the report without end.
    if (!seen.includes(shown) && seen.length < MAX_REFUSALS) {
      seen.push(shown);
      refusals.set(id, seen);
      options.onRefused(id, shown);
    }
    return false;
  };
  const server = http.createServer((req, res) => void forward(req, res, admit, options.resolve));
  server.on(
    'connect',
    (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void tunnel(req, socket, head, admit, options.resolve),
  );
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Duplex>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    urlFor(id) {
      const token = tokens.get(id) ?? randomBytes(12).toString('hex');
      tokens.set(id, token);
      return `http://${encodeURIComponent(id)}:${token}@127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    },
    refused: (id) => [...(refusals.get(id) ?? [])],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `host:port` of a CONNECT, or undefined when it is not one. */
function authority(target: string | undefined): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(target ?? '');
  const port = Number(m?.[2]);
  return m && port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

type Admit = (req: http.IncomingMessage, host: string) => boolean;

/** A CONNECT: a TCP tunnel to an allowed host, or 403. */
async function tunnel(req: http.IncomingMessage, client: Duplex, head: Buffer, admit: Admit, resolve: Resolve) {
  client.on('error', () => client.destroy());
  const target = authority(req.url);
  if (!target || !admit(req, target.host)) return refuse(client, 403, 'not on allowed-hosts');
  const found = await resolve(target.host);
  if ('error' in found) return refuse(client, 502, found.error);
  const upstream = net.connect(target.port, found.address);
  upstream.once('connect', () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.once('error', () => (upstream.connecting ? refuse(client, 502, 'the host refused') : client.destroy()));
  client.once('close', () => upstream.destroy());
}

function refuse(client: Duplex, status: number, why: string): void {
  const text = `${status} ${why}\n`;
  client.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** A plain-HTTP request in absolute form (`GET http://host/path`), forwarded to an allowed host, or 403. */
async function forward(req: http.IncomingMessage, res: http.ServerResponse, admit: Admit, resolve: Resolve) {
  let url: URL | undefined;
  try {
    url = new URL(req.url ?? '');
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:') return res.writeHead(400).end('400 only http:// URLs are proxied\n');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!admit(req, host)) return res.writeHead(403).end('403 not on allowed-hosts\n');
  const found = await resolve(host);
  if ('error' in found) return res.writeHead(502).end(`502 ${found.error}\n`);
  const headers = { ...req.headers };
  delete headers['proxy-authorization'];
  delete headers['proxy-connection'];
  const upstream = http.request({
    host: found.address,
    port: Number(url.port) || 80,
    method: req.method,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host },
  });
  upstream.once('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.once('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('502 the host refused\n')));
  req.pipe(upstream);
}
