import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiProxy, type ApiAnswer, type ApiProxy } from '../../src/isolation/api-proxy.js';

// The API proxy on its own, between a client and an upstream server of the test's making: what reaches the
// upstream (the real credential, never an agent's token; nothing at all for a bad token), and what comes back
// (each chunk as it is sent, statuses and headers as they were).

const API_KEY = 'sk-ant-proxy-test-key-0123456789';
const OAUTH_TOKEN = 'sk-ant-oat01-proxy-test-token-0123456789';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An upstream that records every request and answers as `answer` says. */
async function startUpstream(answer: (req: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      answer(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Upstream = Awaited<ReturnType<typeof startUpstream>>;

/** A request to the proxy; resolves with the response once its headers are in, its body left to read. */
function send(
  url: string,
  options: { path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${options.path ?? '/v1/messages?beta=true'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      agent: false,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(options.body ?? '{"model":"m"}');
  });
}

async function text(res: http.IncomingMessage): Promise<string> {
  let out = '';
  for await (const chunk of res) out += String(chunk);
  return out;
}

describe('the API proxy', () => {
  // What the upstream is to do next with a request, set by each test.
  let respond: (req: Seen, res: http.ServerResponse) => void = (_, res) => res.end('{}');
  let upstream: Upstream;
  let proxy: ApiProxy;
  const answers: ApiAnswer[] = [];

  beforeAll(async () => {
    upstream = await startUpstream((req, res) => respond(req, res));
    proxy = await startApiProxy(upstream.url, { apiKey: API_KEY, oauthToken: OAUTH_TOKEN });
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });
  afterEach(() => {
    upstream.seen.length = 0;
    answers.length = 0;
  });

  it('listens on 127.0.0.1 and names its port', () => {
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.port).toBeGreaterThan(0);
  });

  it('swaps an agent token sent as x-api-key for the real API key, keeping path, query, body and headers', async () => {
    respond = (_, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'r1' }).end('{"ok":1}');
    const pass = proxy.grant();
    const res = await send(pass.url, {
      headers: { 'x-api-key': pass.token, 'anthropic-beta': 'claude-code-20250219' },
      body: '{"model":"claude-test"}',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['request-id']).toBe('r1');
    expect(await text(res)).toBe('{"ok":1}');
    const [req] = upstream.seen;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/messages?beta=true', body: '{"model":"claude-test"}' });
    expect(req?.headers['x-api-key']).toBe(API_KEY);
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.headers['anthropic-beta']).toBe('claude-code-20250219');
    expect(JSON.stringify(req?.headers)).not.toContain(pass.token);
    expect(pass.counts).toEqual({ requests: 1, rateLimited: 0, overloaded: 0 });
  });

  it('swaps a bearer token for the real OAuth token, as the CLI sends an OAuth token', async () => {
    respond = (_, res) => res.end('{}');
    const pass = proxy.grant();
    const res = await send(pass.url, { headers: { authorization: `Bearer ${pass.token}` } });
    expect(res.statusCode).toBe(200);
    await text(res);
    expect(upstream.seen[0]?.headers.authorization).toBe(`Bearer ${OAUTH_TOKEN}`);
    expect(upstream.seen[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('streams the answer back as it comes: each chunk arrives before the upstream sends the next', async () => {
    // The upstream sends an event, then waits for the client to say it arrived before sending the next: a
    // proxy that buffered the answer would never deliver the first, and the test would time out.
    const arrived: (() => void)[] = [];
    respond = (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        if (i === 3) return void res.end('event: message_stop\ndata: {}\n\n');
        res.write(`event: content_block_delta\ndata: {"i":${i++}}\n\n`);
        arrived.push(next);
      };
      next();
    };
    const pass = proxy.grant();
    const res = await send(pass.url, { headers: { 'x-api-key': pass.token } });
    expect(res.headers['content-type']).toBe('text/event-stream');
    const chunks: string[] = [];
    for await (const chunk of res) {
      chunks.push(String(chunk));
      arrived.shift()?.();
    }
    expect(chunks.join('')).toContain('{"i":2}');
    expect(chunks.join('')).toMatch(/message_stop/);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
  });

  it.each<[number, string, Record<string, string>]>([
    [429, 'rate_limit_error', { 'retry-after': '7', 'anthropic-ratelimit-requests-remaining': '0' }],
    [529, 'overloaded_error', { 'retry-after': '3', 'x-should-retry': 'true' }],
    [500, 'api_error', { 'x-should-retry': 'true' }],
  ])('passes a %i through with its headers and body, and counts it', async (status, type, headers) => {
    const body = JSON.stringify({ type: 'error', error: { type, message: `upstream ${status}` } });
    respond = (_, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    const heard: ApiAnswer[] = [];
    const pass = proxy.grant((a) => heard.push(a));
    const before = { ...proxy.counts };
    const res = await send(pass.url, { headers: { 'x-api-key': pass.token } });
    expect(res.statusCode).toBe(status);
    for (const [name, value] of Object.entries(headers)) expect(res.headers[name]).toBe(value);
    expect(await text(res)).toBe(body);
    const retryAfter = headers['retry-after'];
    expect(heard).toEqual([{ status, ...(retryAfter && { retryAfter }) }]);
    expect(pass.counts).toEqual({
      requests: 1,
      rateLimited: status === 429 ? 1 : 0,
      overloaded: status === 529 ? 1 : 0,
    });
    expect(proxy.counts.requests).toBe(before.requests + 1);
  });

  it.each([
    ['a wrong token as x-api-key', { 'x-api-key': 'cam-not-a-token' }],
    ['a wrong bearer token', { authorization: 'Bearer cam-not-a-token' }],
    ['the real API key itself', { 'x-api-key': API_KEY }],
    ['no token', {}],
  ])('answers 401 to %s, and sends nothing upstream', async (_, headers) => {
    respond = () => {
      throw new Error('nothing may reach the upstream');
    };
    const res = await send(proxy.url, { headers });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(await text(res))).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(upstream.seen).toEqual([]);
  });

  it('answers 401 to a token once its agent has ended, and sends nothing upstream', async () => {
    respond = (_, res) => res.end('{}');
    const pass = proxy.grant();
    const first = await send(pass.url, { headers: { 'x-api-key': pass.token } });
    expect(first.statusCode).toBe(200);
    await text(first);
    pass.revoke();
    const again = await send(pass.url, { headers: { 'x-api-key': pass.token } });
    expect(again.statusCode).toBe(401);
    await text(again);
    expect(upstream.seen).toHaveLength(1);
    expect(pass.counts.requests).toBe(1);
  });

  it('answers 502 in the API error shape when the upstream cannot be reached', async () => {
    const dead = await startUpstream(() => undefined);
    await dead.close();
    const lonely = await startApiProxy(dead.url, { apiKey: API_KEY });
    try {
      const pass = lonely.grant();
      const res = await send(pass.url, { headers: { 'x-api-key': pass.token } });
      expect(res.statusCode).toBe(502);
      expect(JSON.parse(await text(res))).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    } finally {
      await lonely.close();
    }
  });
});

describe('the API proxy on a kept connection that the upstream drops', () => {
  it('sends the request again, once, on a new connection, and the agent never sees the reset', async () => {
    // The upstream answers the first request on each connection and drops the connection on its second, as a
    // server that closed an idle connection just as it was reused does.
    const perSocket = new Map<unknown, number>();
    const upstream = await startUpstream((req, res) => {
      void req;
      const socket = res.socket;
      const n = (perSocket.get(socket) ?? 0) + 1;
      perSocket.set(socket, n);
      if (n > 1) return void socket?.destroy();
      res.end('{"ok":true}');
    });
    const proxy = await startApiProxy(upstream.url, { apiKey: API_KEY });
    try {
      const pass = proxy.grant();
      for (const attempt of ['first', 'on the kept connection']) {
        const res = await send(pass.url, { headers: { 'x-api-key': pass.token }, body: '{"model":"again"}' });
        expect(res.statusCode, attempt).toBe(200);
        expect(await text(res)).toBe('{"ok":true}');
      }
      // Three requests upstream: the first, the one dropped, and its retry with the same body.
      expect(upstream.seen.map((s) => s.body)).toEqual(Array(3).fill('{"model":"again"}'));
      expect(pass.counts.requests).toBe(2);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});

describe('the API proxy forwarding to a base URL with a path', () => {
  it('keeps the base path in front of the request path, as the CLI does with ANTHROPIC_BASE_URL', async () => {
    const upstream = await startUpstream((_, res) => res.end('{}'));
    const proxy = await startApiProxy(`${upstream.url}/gateway/anthropic/`, { apiKey: API_KEY });
    try {
      const pass = proxy.grant();
      await text(await send(pass.url, { headers: { 'x-api-key': pass.token } }));
      expect(upstream.seen[0]?.url).toBe('/gateway/anthropic/v1/messages?beta=true');
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});

describe('closing the API proxy', () => {
  it('ends an answer still streaming, upstream too, and refuses new connections', async () => {
    let streaming: http.ServerResponse | undefined;
    const upstream = await startUpstream((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: ping\ndata: {}\n\n');
      streaming = res;
    });
    const proxy = await startApiProxy(upstream.url, { apiKey: API_KEY });
    try {
      const pass = proxy.grant();
      const res = await send(pass.url, { headers: { 'x-api-key': pass.token } });
      const ended = new Promise<string>((resolve) => {
        res.once('close', () => resolve('closed'));
        res.resume();
      });
      await proxy.close();
      expect(await ended).toBe('closed');
      expect(res.complete).toBe(false);
      await expect(send(pass.url, { headers: { 'x-api-key': pass.token } })).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
      // The upstream's side of the cut stream ends too: the proxy gave up on it.
      await new Promise<void>((resolve) => (streaming?.closed ? resolve() : streaming?.once('close', resolve)));
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
