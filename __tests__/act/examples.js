// The examples of examples/ under act, as a user meets them: scripts/act-e2e.sh runs each one, unchanged, in a
// repository of its own, with `OWNER/REPO@v1` resolved to this checkout's action by act's --local-repository.
//   node __tests__/act/examples.js prepare NAME DIR   makes DIR/repo (a git repository holding the example as
//                                                    .github/workflows/NAME.yml) and DIR/event.json, and prints
//                                                    the event to run it with
//   node __tests__/act/examples.js check NAME DIR     checks what the example promises, from act's JSON log
//                                                    (DIR/act.log), the GitHub stand-in's state (DIR/github.json)
//                                                    and act's artifact store (DIR/store); exits 1 naming what is
//                                                    wrong
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZip } from '../../stand-ins/artifact-service.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPOSITORY = 'example-org/example-repo';
const PULL_REQUEST = 7;

/** Each example: the event it runs on, and the files of the repository it expects (beside the workflow). */
const EXAMPLES = {
  basic: { event: 'workflow_dispatch', files: {} },
  'pr-review': {
    event: 'pull_request',
    files: {},
    // What the stand-in GitHub API serves as the pull request's files: it changed src/index.js's one line.
    pull: [{ filename: 'src/index.js', patch: '@@ -0,0 +1 @@\n+export const parse = (input) => JSON.parse(input);' }],
  },
  'nightly-report': { event: 'schedule', files: {} },
  'map-reduce': { event: 'workflow_dispatch', files: {} },
  // Its apply job pushes: to a bare repository beside the example's, the push URL of its `origin`.
  'fix-in-parallel': {
    event: 'workflow_dispatch',
    files: { 'src/const.js': 'export let limit = 10;\n' },
    pushes: true,
  },
  sharded: {
    event: 'pull_request',
    // The example's header says what this file holds: 200 items, one per package.
    files: {
      '.github/agents/packages.yml': Array.from(
        { length: 200 },
        (_, i) =>
          `- id: pkg-${i + 1}\n  prompt: Review packages/pkg-${i + 1} for unchecked errors. Answer with a list of file:line and why.\n`,
      ).join(''),
    },
  },
};

/**
 * The event payload act hands the workflow (`github.event`). A pull request's head and base are both the
 * repository's one commit, which the checkout holds: what the action reads the base's agent configuration from.
 */
function payload(event, sha) {
  const repository = { full_name: REPOSITORY, name: 'example-repo', owner: { login: 'example-org' } };
  if (event === 'pull_request') {
    const pr = {
      number: PULL_REQUEST,
      head: { ref: 'feature', sha, repo: { full_name: REPOSITORY } },
      base: { ref: 'main', sha, repo: { full_name: REPOSITORY } },
    };
    return { action: 'synchronize', number: PULL_REQUEST, pull_request: pr, repository };
  }
  if (event === 'schedule') return { schedule: '0 3 * * *', repository };
  return { inputs: {}, repository };
}

/** A small repository with some history, as the examples' agents expect to read one. */
function prepare(name, dir) {
  const example = EXAMPLES[name];
  if (!example) throw new Error(`no example "${name}": one of ${Object.keys(EXAMPLES).join(', ')}`);
  const repo = path.join(dir, 'repo');
  const files = {
    'README.md': '# example-repo\n\nA repository the examples run in.\n',
    'src/index.js': 'export const parse = (input) => JSON.parse(input);\n',
    'docs/guide.md': '# Guide\n\nCall `parse` with a string.\n',
    [`.github/workflows/${name}.yml`]: fs.readFileSync(path.join(ROOT, 'examples', `${name}.yml`), 'utf8'),
    ...example.files,
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  }
  const git = (...args) => execFileSync('git', ['-C', repo, ...args], { stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  // act reads github.repository from the remote's URL.
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
  git('add', '-A');
  git('-c', 'user.name=Example', '-c', 'user.email=example@example.invalid', 'commit', '-q', '-m', 'Start');
  if (example.pushes) {
    // act still reads github.repository from the fetch URL; git pushes to the push URL.
    execFileSync('git', ['clone', '-q', '--bare', repo, path.join(dir, 'origin.git')], { stdio: 'ignore' });
    git('remote', 'set-url', '--push', 'origin', `file://${path.join(dir, 'origin.git')}`);
  }
  const sha = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify(payload(example.event, sha), null, 2));
  if (example.pull) {
    const pull = { repo: REPOSITORY, number: PULL_REQUEST, files: example.pull };
    fs.writeFileSync(path.join(dir, 'pull.json'), JSON.stringify(pull));
  }
  console.log(example.event);
}

/** act's --json log: one object a line; steps' output lines carry raw_output, summaries command "summary". */
function actLog(dir) {
  return fs
    .readFileSync(path.join(dir, 'act.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** The artifacts in act's store (it keeps each as <store>/<run id>/<name>/<name>.zip), name → file names. */
function artifacts(dir) {
  const store = path.join(dir, 'store');
  const found = new Map();
  for (const run of fs.existsSync(store) ? fs.readdirSync(store) : []) {
    for (const name of fs.readdirSync(path.join(store, run))) {
      const zip = path.join(store, run, name, `${name}.zip`);
      if (fs.existsSync(zip)) found.set(name, [...readZip(fs.readFileSync(zip)).keys()]);
    }
  }
  return found;
}

/** What an agent's Read tool calls returned, from the events.jsonl of its artifact. */
function readOf(dir, artifact) {
  const store = path.join(dir, 'store');
  const [run] = fs.readdirSync(store);
  const zip = readZip(fs.readFileSync(path.join(store, run, artifact, `${artifact}.zip`)));
  return String(zip.get('events.jsonl') ?? '')
    .split('\n')
    .filter((l) => l.includes('"tool_use_result"'))
    .map((l) => String(JSON.parse(l).tool_use_result?.file?.content ?? ''))
    .join('\n');
}

/** The lines a step printed, and the summaries it wrote, by the step's name. */
const printed = (log, step) =>
  log
    .filter((l) => l.raw_output && l.step === step)
    .map((l) => String(l.msg).trimEnd())
    .join('\n');
const summaries = (log, step) =>
  log
    .filter((l) => l.command === 'summary' && l.step === step)
    .map((l) => String(l.content))
    .join('\n');

/** The comments on the pull request, and the requests that wrote them. */
function pullRequestComments(github) {
  const comments = github.comments.filter((c) => c.repo === REPOSITORY && c.issue === PULL_REQUEST);
  const posts = github.requests.filter((r) => r.method === 'POST' && /\/issues\/\d+\/comments$/.test(r.path));
  return { comments, posts };
}

/** examples/pr-review.yml's review: one, with the line comment of two reviewers, the rest in its body. */
function reviewPromises(github, commentBody) {
  const reviews = (github.reviews ?? []).filter((r) => r.repo === REPOSITORY && r.pull === PULL_REQUEST);
  const lines = (github.reviewComments ?? []).filter((c) => c.repo === REPOSITORY && c.pull === PULL_REQUEST);
  const review = reviews[0];
  return [
    [
      reviews.length === 1 && review.state === 'COMMENTED',
      `one review of event COMMENT (${reviews.map((r) => r.state).join(', ')})`,
    ],
    [
      lines.length === 1 && lines[0].path === 'src/index.js' && lines[0].line === 1,
      `one line comment, on src/index.js line 1 (${lines.map((c) => `${c.path}:${c.line}`).join(', ')})`,
    ],
    [/`security`, `tests`/.test(lines[0]?.body ?? ''), 'the line comment names both reviewers of the same finding'],
    [(lines[0]?.body ?? '').includes('```suggestion\n'), 'the line comment holds a suggestion block'],
    [
      /#### `docs\/guide.md`[\s\S]*Guide omits errors/.test(review?.body ?? ''),
      'the finding on a file outside the diff is in the review body, by file',
    ],
    [Boolean(review) && commentBody.includes(`](${review.html_url})`), 'the comment links the review'],
  ];
}

/** What each example promises, as [ok, what] pairs. */
const PROMISES = {
  basic: ({ log, stored }) => {
    const out = printed(log, 'Use the results');
    return [
      [
        /^3 agents succeeded; speedup over one after another: [\d.]+x$/m.test(out),
        'the next step read succeeded and speedup',
      ],
      [
        ['haiku', 'names', 'agent-3'].every((id) => new RegExp(`^${id}: success in \\d+ ms$`, 'm').test(out)),
        'the next step read every agent from results-file with jq',
      ],
      [/^The whole report: \S+report\.md, [1-9]\d* bytes$/m.test(out), 'the next step read report-file'],
      ...artifactPromises(stored, 'agent', ['haiku', 'names', 'agent-3']),
    ];
  },
  'pr-review': ({ github, stored }) => {
    const { comments, posts } = pullRequestComments(github);
    const body = comments[0]?.body ?? '';
    return [
      [
        comments.length === 1 && posts.length === 1,
        `one comment on pull request #${PULL_REQUEST} (${comments.length}, ${posts.length} posted)`,
      ],
      [
        body.startsWith('<!-- claude-agent-matrix:comment:review -->'),
        'the comment carries the marker of artifact-prefix review',
      ],
      [
        ['security', 'tests', 'documentation'].every((id) => body.includes(id)),
        'the comment names the three reviewers',
      ],
      [body.includes('The input reaches JSON.parse unchecked.'), "the comment holds the reviewers' summaries"],
      [
        github.requests.some((r) => r.method === 'PATCH' && /\/issues\/comments\/\d+$/.test(r.path)),
        'the comment was filled in by editing it',
      ],
      ...reviewPromises(github, body),
      ...artifactPromises(stored, 'review', ['security', 'tests', 'documentation']),
    ];
  },
  'nightly-report': ({ github, stored }) => {
    const issues = github.issues.filter((i) => i.repo === REPOSITORY);
    const issue = issues[0];
    const ids = ['api', 'frontend', 'infrastructure', 'dependencies'];
    return [
      [
        issues.length === 1 && issue.title === 'Nightly agent report',
        `one issue "Nightly agent report" (${issues.map((i) => i.title).join(', ')})`,
      ],
      [issue?.labels.some((l) => l.name === 'agent-report') === true, 'the issue has the label agent-report'],
      [ids.every((id) => issue?.body.includes(id)), 'the issue names every agent'],
      [issue?.body.includes('Done: How healthy is the code under src/api/?') === true, 'the issue holds the answers'],
      ...artifactPromises(stored, 'nightly', ids),
    ];
  },
  'map-reduce': ({ log, stored, dir }) => {
    const summary = summaries(log, 'Add the report to the job summary');
    return [
      [summary.includes('# Review report'), "the synthesis's report is in the job summary"],
      [
        readOf(dir, 'agent-synthesis').includes('src/index.js:1 reads input without checking it'),
        "the synthesis read a reviewer's answer from .agent-inputs/ (its events.jsonl)",
      ],
      ...artifactPromises(stored, 'agent', ['plan', 'plan.src', 'plan.docs', 'synthesis']),
    ];
  },
  'fix-in-parallel': ({ log, github, stored, dir }) => {
    const pulls = github.issues.filter((i) => i.repo === REPOSITORY && i.pull_request);
    const branch = (b) => {
      try {
        return execFileSync('git', ['-C', path.join(dir, 'origin.git'), 'show', `${b}:src/const.js`], {
          encoding: 'utf8',
        });
      } catch {
        return undefined;
      }
    };
    const out = printed(log, 'List the pull requests');
    return [
      [
        pulls.map((p) => `${p.title} ← ${p.head}`).join(', ') ===
          'Fix no-unused-vars ← agent/no-unused-vars, Fix prefer-const ← agent/prefer-const',
        `one pull request per agent that changed files (${pulls.map((p) => p.title).join(', ') || 'none'})`,
      ],
      [branch('agent/prefer-const') === 'export const limit = 10;\n', 'the apply job pushed agent/prefer-const'],
      [branch('agent/eqeqeq') === undefined, 'an agent that changed nothing gets no branch'],
      [
        pulls.every((p) => p.body.includes('[this run]')),
        "each pull request's body holds the answer and links the run",
      ],
      [/^no-unused-vars: \S+\/pull\/\d+ \(1 files\)$/m.test(out), 'the next step read the pull-requests output'],
      [
        ['no-unused-vars', 'prefer-const'].every((id) => stored.get(`agent-${id}`)?.includes('changes.patch')),
        "the agents' artifacts hold their patches",
      ],
      ...artifactPromises(stored, 'agent', ['no-unused-vars', 'prefer-const', 'eqeqeq']),
    ];
  },
  sharded: ({ log, github, stored }) => {
    const { comments, posts } = pullRequestComments(github);
    const body = comments[0]?.body ?? '';
    const ids = Array.from({ length: 200 }, (_, i) => `pkg-${i + 1}`);
    const shards = [1, 2, 3, 4, 5].map((i) => `agent-shard-${i}-of-5`);
    return [
      [
        comments.length === 1 && posts.length === 1,
        `one comment on pull request #${PULL_REQUEST}, from the aggregate step (${comments.length}, ${posts.length} posted)`,
      ],
      [ids.every((id) => body.includes(id)), 'the comment names all 200 agents'],
      [
        /^200 agents succeeded, 0 did not; [\d.]+x faster/m.test(printed(log, 'Say how it went')),
        'the next step read the aggregate outputs',
      ],
      [
        shards.every((s) => stored.has(s)),
        `every shard uploaded its artifact (${shards.filter((s) => !stored.has(s)).join(', ') || 'all'})`,
      ],
      ...artifactPromises(stored, 'agent', ids),
    ];
  },
};

/** Each agent's artifact and the report's are in act's store. */
function artifactPromises(stored, prefix, ids) {
  const missing = ids.filter((id) => !stored.get(`${prefix}-${id}`)?.includes('result.md'));
  return [
    [
      missing.length === 0,
      `every agent's artifact ${prefix}-<id> holds result.md (missing: ${missing.slice(0, 5).join(', ') || 'none'})`,
    ],
    [stored.get(`${prefix}-report`)?.includes('report.md') === true, `${prefix}-report holds report.md`],
  ];
}

function check(name, dir) {
  const github = JSON.parse(fs.readFileSync(path.join(dir, 'github.json'), 'utf8'));
  const problems = PROMISES[name]({ log: actLog(dir), github, stored: artifacts(dir), dir }).filter(([ok, what]) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${what}`);
    return !ok;
  });
  if (problems.length) process.exit(1);
}

const [command, name, dir] = process.argv.slice(2);
if (command === 'prepare') prepare(name, path.resolve(dir));
else if (command === 'check') check(name, path.resolve(dir));
else throw new Error('usage: node __tests__/act/examples.js prepare|check NAME DIR');
