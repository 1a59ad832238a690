// `npm run bench -- --proxy`: what the API proxy costs, measured side by side in one run.
//   1. Per request: the same streamed request to the stand-in model, straight and through the proxy, alternated,
//      each way over one kept-alive connection as the CLI holds it; the median of each and their difference.
//   2. Per run: the action with N agents (default 20) with `api-proxy: auto` and `off`, alternated, `repeat`
//      times each; the median wall time of each.
// Writes proxy.json and proxy.md to the output folder.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startApiProxy } from '../src/isolation/api-proxy.js';
import { startModelServer } from '../stand-ins/model-server.js';
import { startAction } from '../stand-ins/run-action.js';

/** The targets issue 20 sets: within 2% of the wall time, under 5 ms added per request at the median. */
const TARGETS = { wallPct: 2, addedMs: 5 };

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** A main request as the CLI sends it (tools offered, streamed), so the stand-in answers as to an agent. */
const BODY = JSON.stringify({
  model: 'claude-bench',
  stream: true,
  max_tokens: 1024,
  tools: [{ name: 'Read', description: 'read', input_schema: { type: 'object' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'bench request\n@answer ok' }] }],
});

/**
 * One request to `url`, timed from its start to the last byte of its streamed answer.
 * @param {string} url @param {http.Agent} agent @param {Record<string, string>} headers
 */
function timed(url, agent, headers) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(`${url}/v1/messages?beta=true`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.resume();
      res.once('end', () => resolve(performance.now() - t0));
    });
    req.end(BODY);
  });
}

/** Part 1: `count` requests each way, alternated, after a warm-up that opens both connections. */
async function perRequest(count) {
  const model = await startModelServer();
  const proxy = await startApiProxy(model.url, { apiKey: 'sk-bench' });
  const pass = proxy.grant();
  const straight = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const proxied = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ways = {
    straight: () => timed(model.url, straight, { 'x-api-key': 'sk-bench' }),
    proxied: () => timed(pass.url, proxied, { 'x-api-key': pass.token }),
  };
  try {
    for (let i = 0; i < 20; i++) for (const go of Object.values(ways)) await go();
    /** @type {{ straight: number[], proxied: number[] }} */
    const ms = { straight: [], proxied: [] };
    for (let i = 0; i < count; i++) {
      const order = i % 2 ? ['straight', 'proxied'] : ['proxied', 'straight'];
      for (const way of order) ms[way].push(await ways[way]());
    }
    return {
      requests: count,
      straightMedianMs: median(ms.straight),
      proxiedMedianMs: median(ms.proxied),
      addedMedianMs: median(ms.proxied) - median(ms.straight),
      // Paired: each proxied request against the straight one beside it.
      addedPairedMedianMs: median(ms.proxied.map((p, i) => p - ms.straight[i])),
    };
  } finally {
    straight.destroy();
    proxied.destroy();
    await proxy.close();
    await model.close();
  }
}

/** One run of the action with `n` agents; its wall time as it reports it, and the requests the model got. */
async function actionRun(n, apiProxy, claude, model) {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', `bench-proxy-${apiProxy}-`));
  const prompts = Array.from({ length: n }, (_, i) => ({ id: `agent-${i + 1}`, prompt: `Agent ${i + 1}\n@answer ok` }));
  const before = model.stats.requests;
  const t0 = performance.now();
  const res = await startAction({
    dir,
    inputs: {
      prompts: JSON.stringify(prompts),
      'claude-path': claude,
      'anthropic-api-key': 'sk-bench',
      upload: 'none',
      summary: 'false',
      'agent-user': 'none',
      'api-proxy': apiProxy,
    },
    env: {
      ANTHROPIC_API_KEY: '',
      ANTHROPIC_BASE_URL: model.url,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
    },
  }).done;
  const outsideMs = performance.now() - t0;
  fs.rmSync(dir, { recursive: true, force: true });
  const results = JSON.parse(res.outputs.results ?? '[]');
  const failed = results.filter((/** @type {{ status: string }} */ r) => r.status !== 'success').length;
  if (res.code !== 0 || results.length !== n || failed) {
    throw new Error(`api-proxy ${apiProxy}: exit ${res.code}, ${results.length} results, ${failed} failed`);
  }
  return { wallMs: Number(res.outputs['wall-time-ms']), outsideMs, requests: model.stats.requests - before };
}

/**
 * Runs both parts and writes proxy.json and proxy.md to `outDir`.
 * @param {{ n: number, latencyMs: number, repeat: number, requests: number, claude: string, outDir: string,
 *   log: (line: string) => void, machine: Record<string, unknown> }} o
 */
export async function benchProxy(o) {
  o.log(`per request: ${o.requests} each way, straight and through the proxy, alternated`);
  const request = await perRequest(o.requests);
  o.log(
    `  added ${request.addedMedianMs.toFixed(2)} ms at the median (paired ${request.addedPairedMedianMs.toFixed(2)})`,
  );
  const model = await startModelServer({ latencyMs: o.latencyMs });
  /** @type {{ auto: any[], off: any[] }} */
  const runs = { auto: [], off: [] };
  try {
    for (let r = 0; r < o.repeat; r++) {
      for (const way of r % 2 ? ['off', 'auto'] : ['auto', 'off']) {
        const run = await actionRun(o.n, way, o.claude, model);
        runs[way].push(run);
        o.log(`  N=${o.n} api-proxy ${way}: ${(run.wallMs / 1000).toFixed(2)} s (${run.requests} requests)`);
      }
    }
  } finally {
    await model.close();
  }
  const wall = {
    autoMedianMs: median(runs.auto.map((x) => x.wallMs)),
    offMedianMs: median(runs.off.map((x) => x.wallMs)),
  };
  const wallPct = ((wall.autoMedianMs - wall.offMedianMs) / wall.offMedianMs) * 100;
  const data = {
    startedAt: new Date().toISOString(),
    machine: o.machine,
    n: o.n,
    latencyMs: o.latencyMs,
    repeat: o.repeat,
    targets: TARGETS,
    request,
    wall: { ...wall, differencePct: wallPct, runs },
    // One-sided: the proxy may cost at most this much; a run with it that came out faster is noise, not cost.
    met: { wall: wallPct <= TARGETS.wallPct, added: request.addedMedianMs < TARGETS.addedMs },
  };
  fs.mkdirSync(o.outDir, { recursive: true });
  fs.writeFileSync(path.join(o.outDir, 'proxy.json'), `${JSON.stringify(data, null, 2)}\n`);
  fs.writeFileSync(path.join(o.outDir, 'proxy.md'), renderProxyMarkdown(data));
  o.log(`wrote proxy.json and proxy.md to ${o.outDir}`);
  return data;
}

/** @param {any} d */
function renderProxyMarkdown(d) {
  const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(2)} s`;
  const ms = (/** @type {number} */ x) => `${x.toFixed(2)} ms`;
  const yes = (/** @type {boolean} */ ok) => (ok ? 'met' : '**missed**');
  return [
    '# The API proxy',
    '',
    `Measured ${d.startedAt}; N = ${d.n}, the stand-in answering after ${d.latencyMs} ms, ${d.repeat} runs each way, alternated.`,
    '',
    '| measure | without the proxy | with the proxy | difference | target |',
    '| :-- | --: | --: | --: | :-- |',
    `| wall time at N = ${d.n} (median) | ${s(d.wall.offMedianMs)} | ${s(d.wall.autoMedianMs)} | ${d.wall.differencePct >= 0 ? '+' : ''}${d.wall.differencePct.toFixed(1)}% | within ${d.targets.wallPct}%: ${yes(d.met.wall)} |`,
    `| one streamed request (median of ${d.request.requests}) | ${ms(d.request.straightMedianMs)} | ${ms(d.request.proxiedMedianMs)} | ${ms(d.request.addedMedianMs)} (paired ${ms(d.request.addedPairedMedianMs)}) | under ${d.targets.addedMs} ms: ${yes(d.met.added)} |`,
    '',
    `Each run's wall time: without the proxy ${d.wall.runs.off.map((/** @type {any} */ r) => s(r.wallMs)).join(', ')}; with it ${d.wall.runs.auto.map((/** @type {any} */ r) => s(r.wallMs)).join(', ')}. Where runs of one way differ by more than the target, the machine's noise, not the proxy, decides the difference.`,
    '',
  ].join('\n');
}
