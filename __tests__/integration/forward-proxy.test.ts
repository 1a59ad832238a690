import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../../src/isolation/forward-proxy.js';
import { resolverFrom } from '../../src/isolation/resolver.js';

// The forward proxy on its own, with real sockets: whose list applies to whom, what is refused and how often it
// is reported, and what a name that resolves to this machine gets. Names are pointed at servers on 127.0.0.1
// through a resolver the test builds (the one the action builds from its hosts file).

let proxy: ForwardProxy;
let server: http.Server;
let port: number;
const heard: [string | undefined, string][] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => res.end(`hello ${req.headers.host}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
  const lists: Record<string, string[] | undefined> = { a: ['a.test'], b: ['b.test', '*.wild.test'], open: undefined };
  const hostsResolve = resolverFrom({});
  proxy = await startForwardProxy({
    listFor: (id) => (id === undefined ? ['run.test', 'localhost'] : id in lists ? lists[id] : ['run.test']),
    // a.test, b.test, x.wild.test and run.test are this machine for the test; others go to the real resolver.
    resolve: async (host) => (host.endsWith('.test') ? { address: '127.0.0.1' } : hostsResolve(host)),
    onRefused: (id, host) => heard.push([id, host]),
  });
});
afterAll(async () => {
  await proxy.close();
  await new Promise((r) => server.close(r));
});

/** The proxy's URL for `id` as a client reads it from HTTPS_PROXY: the Proxy-Authorization it sends. */
function auth(url: string): string | undefined {
  const u = new URL(url);
  return u.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${u.password}`).toString('base64')}`
    : undefined;
}

/** A CONNECT through the proxy, then a GET in the tunnel: the status of each. */
function connect(target: string, authorization?: string): Promise<{ status: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: proxy.port,
      method: 'CONNECT',
      path: target,
      headers: authorization ? { 'proxy-authorization': authorization } : {},
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return resolve({ status: res.statusCode ?? 0 });
      }
      const get = http.request({ createConnection: () => socket, path: '/', headers: { host: target } });
      get.once('response', (answer) => {
        let body = '';
        answer.on('data', (c: Buffer) => (body += c.toString())).once('end', () => resolve({ status: 200, body }));
      });
      get.once('error', reject);
      get.end();
    });
    req.once('error', reject);
    req.end();
  });
}

/** A plain-HTTP request in absolute form through the proxy. */
function request(url: string, authorization?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: proxy.port,
      path: url,
      headers: authorization ? { 'proxy-authorization': authorization } : {},
    });
    req.once('response', (res) => {
      let body = '';
      res
        .on('data', (c: Buffer) => (body += c.toString()))
        .once('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the forward proxy', () => {
  it("tunnels to a host on the asking agent's list, and refuses one on another agent's list", async () => {
    const a = auth(proxy.urlFor('a'));
    expect(await connect(`a.test:${port}`, a)).toEqual({ status: 200, body: `hello a.test:${port}` });
    expect(await connect(`b.test:${port}`, a)).toEqual({ status: 403 });
    const b = auth(proxy.urlFor('b'));
    expect(await connect(`x.wild.test:${port}`, b)).toEqual({ status: 200, body: `hello x.wild.test:${port}` });
  });

  it('forwards plain-HTTP requests to allowed hosts only', async () => {
    const a = auth(proxy.urlFor('a'));
    expect(await request(`http://a.test:${port}/path?q=1`, a)).toEqual({ status: 200, body: `hello a.test:${port}` });
    expect((await request(`http://b.test:${port}/`, a)).status).toBe(403);
  });

  it("gives a client that does not say who it is, or names an agent with another's token, the run's list", async () => {
    expect((await connect(`run.test:${port}`)).status).toBe(200);
    expect((await connect(`a.test:${port}`)).status).toBe(403);
    const forged = `Basic ${Buffer.from(`b:${new URL(proxy.urlFor('a')).password}`).toString('base64')}`;
    expect((await connect(`b.test:${port}`, forged)).status).toBe(403);
  });

  it('lets an agent without a list reach any host', async () => {
    expect((await connect(`elsewhere.test:${port}`, auth(proxy.urlFor('open')))).status).toBe(200);
  });

  it('reports each refused host once per agent, and keeps them in the order asked', async () => {
    const c = auth(proxy.urlFor('c'));
    for (const host of ['one.test', 'two.test', 'one.test']) await connect(`${host}:${port}`, c);
    expect(proxy.refused('c')).toEqual(['one.test', 'two.test']);
    expect(heard.filter(([id]) => id === 'c')).toEqual([
      ['c', 'one.test'],
      ['c', 'two.test'],
    ]);
  });

  it('keeps at most 50 refused hosts of an agent', async () => {
    const d = auth(proxy.urlFor('d'));
    for (let i = 0; i < 60; i++) await connect(`host${i}.test:${port}`, d);
    expect(proxy.refused('d')).toHaveLength(50);
  });

  it('records a malformed target as such, never as the text asked for', async () => {
    const e = auth(proxy.urlFor('e'));
    expect((await connect(`bad_name!.test:${port}`, e)).status).toBe(403);
    expect(proxy.refused('e')).toEqual(['(a malformed host name)']);
  });

  it('will not connect an allowed name that DNS resolves to this machine', async () => {
    // `localhost` is on the run's list here, and resolves to 127.0.0.1: the proxy would open every loopback
    // service the firewall closed.
    expect(await connect(`localhost:${port}`)).toEqual({ status: 502 });
  });
});
