// The stand-in model for the workflows that scripts/act-e2e.sh runs under act: starts the model server on
// 127.0.0.1, prints its URL as the first line of stdout, and serves until it is sent SIGTERM or SIGINT.
//   node __tests__/act/serve-model.js [LATENCY_MS] [--examples]
//
// The workflows of __tests__/act/ script each agent with directive lines in its prompt (see model-server.js).
// The examples run as a user writes them, with no directives, so `--examples` puts in front of the model a proxy
// that plays the part a real model plays for them: where a prompt asks for something the example depends on (a
// planner's agents.yml, a synthesis that reads the reviews, a reviewer's findings), it adds the directive lines that do it. Every
// other prompt gets the model server's default answer ("Done: " and its first line).
import http from 'node:http';
import { startModelServer } from '../../stand-ins/model-server.js';

const args = process.argv.slice(2);
const latencyMs = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);

/** What a prompt of examples/ asks of the model, as directive lines. */
const PLAYBOOK = [
  {
    // examples/map-reduce.yml: the planner writes one reviewer per folder into agents.yml.
    when: 'write the file agents.yml',
    add:
      '@write agents.yml - id: src\\n  allowed-tools: Read Grep Glob\\n  prompt: Review the folder src/.' +
      '\\n- id: docs\\n  allowed-tools: Read Grep Glob\\n  prompt: Review the folder docs/.\n' +
      '@answer src, docs',
  },
  // The reviewers the planner added: an answer the synthesis must carry into the report.
  { when: 'Review the folder src/.', add: '@answer src/index.js:1 reads input without checking it' },
  { when: 'Review the folder docs/.', add: '@answer no findings' },
  // examples/pr-review.yml: reviewers answer with findings (review: comments). Two flag the same line of the pull
  // request's diff (one comment naming both); one flags a file the pull request does not change (the body).
  {
    when: 'Review the repository for security problems',
    add: structured('The input reaches JSON.parse unchecked.', [
      {
        path: 'src/index.js',
        line: 1,
        severity: 'high',
        title: 'Unchecked input to JSON.parse',
        body: 'A malformed body throws.',
        suggestion: 'export const parse = (input) => (typeof input === "string" ? JSON.parse(input) : undefined);',
      },
    ]),
  },
  {
    when: 'Find the code that has no tests',
    add: structured('parse has no test.', [
      { path: 'src/index.js', line: 1, severity: 'medium', title: 'JSON.parse input unchecked', body: 'No test.' },
    ]),
  },
  {
    when: 'Check that the README and the documentation match the code',
    add: structured('The guide is thin.', [
      { path: 'docs/guide.md', line: 3, severity: 'low', title: 'Guide omits errors', body: 'Say what throws.' },
    ]),
  },
  // examples/fix-in-parallel.yml: two lint rules' agents fix a file each; the third finds nothing to change.
  {
    when: 'Fix every no-unused-vars error',
    add: '@write src/index.js export const parse = (text) => JSON.parse(text);\n@answer Removed an unused variable',
  },
  { when: 'Fix every prefer-const error', add: '@write src/const.js export const limit = 10;\n@answer Used const' },
  { when: 'Fix every eqeqeq error', add: '@answer No eqeqeq errors: nothing to change' },
  {
    // examples/map-reduce.yml: the synthesis reads a reviewer's answer from .agent-inputs/ and reports on it.
    when: 'Read them all and write one report',
    add: '@read .agent-inputs/plan.src/answer.md\n@answer # Review report',
  },
];

/** A reviewer's answer as the findings schema wants it, as the directive the model server plays. */
function structured(summary, findings) {
  return `@structured ${JSON.stringify({ summary, findings })}`;
}

/** The request body with the playbook's directives added to the prompt (the first user message's last text). */
function played(raw) {
  const body = JSON.parse(raw);
  const first = (body.messages ?? []).find((m) => m.role === 'user');
  if (!first) return raw;
  if (typeof first.content === 'string') first.content = [{ type: 'text', text: first.content }];
  const texts = first.content.filter((b) => b.type === 'text' && !b.text.startsWith('<system-reminder>'));
  const prompt = texts.map((b) => b.text).join('\n');
  const adds = PLAYBOOK.filter((p) => prompt.includes(p.when)).map((p) => p.add);
  if (!adds.length || !texts.length) return raw;
  texts[texts.length - 1].text += `\n${adds.join('\n')}`;
  return JSON.stringify(body);
}

/** A proxy in front of `target` that plays the playbook into every request. */
async function startPlayer(target) {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = req.method === 'POST' && raw ? played(raw) : raw;
      const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(body)) };
      delete headers.host;
      const out = http.request(new URL(req.url ?? '/', target), { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy());
      out.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

const server = await startModelServer({ latencyMs });
const player = args.includes('--examples') ? await startPlayer(server.url) : undefined;
console.log(player?.url ?? server.url);
const stop = async () => {
  player?.close();
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
