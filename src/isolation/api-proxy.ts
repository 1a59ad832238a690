import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

// The model API served to the agents by the action itself, on 127.0.0.1: each agent holds a token of its own,
// valid while it runs, never the real credential. The proxy checks the token, puts the real credential on the
// request and streams it both ways, so the key stays in the action's process, out of every agent's environment,
// command line and files; and every request passes here, so the counts of 429s and 529s are first-hand.

/** The real credentials, as the action was given them. Either or both. */
export interface ProxyCredentials {
  /** Sent upstream as `x-api-key`. */
  apiKey?: string;
  /** Sent upstream as `Authorization: Bearer`. */
  oauthToken?: string;
}

/** What the proxy saw of one upstream answer to an agent. */
export interface ApiAnswer {
  status: number;
  /** The `retry-after` header of a 429 or 529, as sent. */
  retryAfter?: string;
}

/** Requests an agent (or the run) sent through the proxy, by how the API answered them. */
interface ApiCounts {
  requests: number;
  /** 429: rate limited. */
  rateLimited: number;
  /** 529: overloaded. */
  overloaded: number;
}

/** One agent's way to the model: its token and the proxy's address, as its CLI gets them. */
export interface AgentPass {
  url: string;
  token: string;
  counts: ApiCounts;
  /** Ends the token: from now on a request with it gets 401 and goes nowhere. */
  revoke(): void;
}

/** What agents need of the proxy: a pass each, for as long as they run. */
export interface ApiGate {
  grant(onAnswer?: (answer: ApiAnswer) => void): AgentPass;
}

export interface ApiProxy extends ApiGate {
  url: string;
  /** The loopback port it listens on: agents must be able to reach it. */
  port: number;
  /** Every agent's requests added up, for the summary. */
  counts: ApiCounts;
  /** Stops listening, ends every connection and revokes every token. */
  close(): Promise<void>;
}

/** The API's own endpoint, where the job sets no `ANTHROPIC_BASE_URL`. */
export const ANTHROPIC_API = 'https://api.anthropic.com';

// Hop-by-hop headers belong to one connection and are never forwarded (RFC 9110, 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

interface Holder {
  counts: ApiCounts;
  onAnswer?: (answer: ApiAnswer) => void;
}

const zero = (): ApiCounts => ({ requests: 0, rateLimited: 0, overloaded: 0 });

/** Starts the proxy on 127.0.0.1, on a port of the system's choosing, forwarding to `upstream`. */
export async function startApiProxy(upstream: string, credentials: ProxyCredentials): Promise<ApiProxy> {
  const target = new URL(upstream);
  const client = target.protocol === 'https:' ? https : http;
  // Connections to the API are kept and reused: a new TLS handshake per request would be the proxy's cost.
  const agent = new client.Agent({ keepAlive: true });
  const holders = new Map<string, Holder>();
  const counts = zero();
  const server = http.createServer({ noDelay: true }, (req, res) => {
    const holder = holders.get(presentedToken(req) ?? '');
    if (!holder || !req.url?.startsWith('/')) return refuse(res);
    forward(req, res, { target, client, agent, credentials }, (answer) => {
      for (const c of [counts, holder.counts]) tally(c, answer.status);
      holder.onAnswer?.(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    counts,
    grant(onAnswer) {
      const token = `cam-${crypto.randomBytes(32).toString('hex')}`;
      const holder: Holder = { counts: zero(), onAnswer };
      if (!closed) holders.set(token, holder);
      return { url, token, counts: holder.counts, revoke: () => holders.delete(token) };
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        holders.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closed;
    },
  };
}

function tally(counts: ApiCounts, status: number): void {
  counts.requests++;
  if (status === 429) counts.rateLimited++;
  if (status === 529) counts.overloaded++;
}

/** The token a request carries, where the CLI puts it: `x-api-key` for an API key, a bearer for an OAuth token. */
function presentedToken(req: http.IncomingMessage): string | undefined {
  const key = req.headers['x-api-key'];
  if (typeof key === 'string' && key) return key;
  return /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** 401 in the API's own shape, so the CLI reports it as it would a wrong key; nothing goes upstream. */
function refuse(res: http.ServerResponse): void {
  const message =
    "api-proxy: this token is not valid here: it is not an agent's, or its agent has ended. The real credential stays with the action.";
  res.writeHead(401, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message } }));
}

interface Upstream {
  target: URL;
  client: typeof http | typeof https;
  agent: http.Agent;
  credentials: ProxyCredentials;
}

/**
 * Sends `req` upstream with the real credential in place of the agent's token, and streams the answer back
 * as it comes: status and headers (a 429's `retry-after` among them) first, then each chunk as it arrives.
 * The request's body is read whole first (the CLI sends it at once), so that a kept connection the API closed
 * as it was reused can be retried once on a new one, as Node's documentation advises; answers never wait.
 */
function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  up: Upstream,
  heard: (answer: ApiAnswer) => void,
): void {
  const base = up.target.pathname.replace(/\/$/, '');
  const headers = withoutHopByHop(req.headers);
  delete headers['x-api-key'];
  delete headers.authorization;
  headers.host = up.target.host;
  Object.assign(headers, credentialHeader(up.credentials, typeof req.headers['x-api-key'] === 'string'));
  const url = new URL(base + req.url, up.target.origin);
  let out: http.ClientRequest | undefined;
  const send = (body: Buffer, mayRetry: boolean) => {
    headers['content-length'] = body.length;
    const request = up.client.request(url, { method: req.method, headers, agent: up.agent }, (answer) => {
      const status = answer.statusCode ?? 502;
      const retryAfter = answer.headers['retry-after'];
      heard({ status, ...(typeof retryAfter === 'string' && { retryAfter }) });
      res.writeHead(status, answer.statusMessage, withoutHopByHop(answer.headers));
      res.flushHeaders();
      answer.pipe(res);
      answer.once('error', () => res.destroy());
    });
    out = request;
    request.once('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      if (mayRetry && request.reusedSocket && err.code === 'ECONNRESET') return send(body, false);
      const message = `api-proxy: the model API at ${up.target.origin} could not be reached: ${err.message}`;
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message } }));
    });
    request.end(body);
  };
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('end', () => send(Buffer.concat(chunks), true));
  // The agent gave up on the request (its timeout, its end): so does the proxy, upstream.
  res.once('close', () => {
    if (!res.writableFinished) out?.destroy();
  });
}

/**
 * The real credential in the form the API takes it. With both, the one the CLI chose: it sent its token as
 * `x-api-key` when it used the API key.
 */
function credentialHeader(c: ProxyCredentials, asKey: boolean): Record<string, string> {
  if (c.apiKey && (asKey || !c.oauthToken)) return { 'x-api-key': c.apiKey };
  return c.oauthToken ? { authorization: `Bearer ${c.oauthToken}` } : {};
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) out[name] = value;
  }
  return out;
}
