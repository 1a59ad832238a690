// A stand-in for the parts of the GitHub REST API (and GraphQL's `viewer`) that publishing uses, on
// 127.0.0.1. Point GITHUB_API_URL at `url` and the real Octokit of @actions/github talks to it. It keeps
// issues, pull requests and comments in memory, records every request, and answers scripted faults.
//
//   POST  /graphql                                          { viewer { login } }: the token's login
//   GET   /repos/:owner/:repo/issues                         state, creator, sort, direction, per_page, page
//   POST  /repos/:owner/:repo/issues                         title, body, labels
//   PATCH /repos/:owner/:repo/issues/:number                 body
//   GET   /repos/:owner/:repo/issues/:number/comments        per_page, page (Link header)
//   POST  /repos/:owner/:repo/issues/:number/comments        body
//   PATCH /repos/:owner/:repo/issues/comments/:id            body
//   GET   /repos/:owner/:repo/collaborators/:user/permission 404 for a login not in `permissions`
//   GET   /repos/:owner/:repo/pulls/:number/files            per_page, page: the files `setPullFiles` gave, with patches
//   GET   /repos/:owner/:repo/pulls/:number/reviews          per_page, page
//   POST  /repos/:owner/:repo/pulls/:number/reviews          event, body, comments: 422 when a comment's line is not
//                                                            on the right side of its file's diff, or `refuseLine` named
//                                                            it; without `event`, a PENDING review
//   DELETE /repos/:owner/:repo/pulls/:number/reviews/:id     a pending review only
//   GET   /repos/:owner/:repo/pulls/:number/comments         per_page, page: the line comments of submitted reviews
//   GET   /repos/:owner/:repo                                default_branch
//   GET   /repos/:owner/:repo/pulls                          head (owner:branch), state, per_page, page
//   POST  /repos/:owner/:repo/pulls                          title, head, base, body
//   PATCH /repos/:owner/:repo/pulls/:number                  title, body
//   GET   /repos/:owner/:repo/pulls/:number                  as the option `pulls` gives it, else as opened
//   GET   /repos/:owner/:repo/git/trees/:sha                 recursive; from the real repository `gitRepos` names
//   GET   /repos/:owner/:repo/git/blobs/:sha                 base64 content, from that repository
import { execFileSync } from 'node:child_process';
import http from 'node:http';

/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, body: any, status: number,
 *   auth: string | undefined }} RecordedRequest
 * @typedef {{ method?: string, path: RegExp, status?: number, times?: number, message?: string,
 *   headers?: Record<string, string>, hang?: boolean }} Fault  (`hang`: never answer)
 */

/**
 * @param {{ logins?: Record<string, string>, permissions?: Record<string, string>,
 *   serverUrl?: string, defaultBranch?: string, pulls?: Record<number, { base: { sha: string } }>,
 *   gitRepos?: Record<string, string> }} [options]
 *   pulls: pull requests `GET pulls/:number` answers as given (others are those opened through the API);
 *   gitRepos: `owner/name` → a git repository on disk whose trees and blobs the git endpoints serve;
 *   logins: token → login (any other token is `github-actions[bot]`);
 *   permissions: login → `admin`, `maintain`, `write`, `triage`, `read` or `none`.
 */
export async function startGitHubApi(options = {}) {
  const serverUrl = options.serverUrl ?? 'http://github.localhost';
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Fault[]} */
  const faults = [];
  /** @type {{ id: number, issue: number, repo: string, body: string, user: { login: string }, html_url: string }[]} */
  const comments = [];
  /** @type {{ number: number, repo: string, title: string, body: string, state: string, labels: string[], user: { login: string }, html_url: string, updated: number, pull_request?: object }[]} */
  const issues = [];
  let nextComment = 1000;
  /** A clock for `updated`, so that issues sort by their last change. */
  let ticks = 0;
  const permissions = { ...options.permissions };
  /** @type {Map<string, { filename: string, status: string, patch?: string }[]>} `repo#number` → files */
  const pullFiles = new Map();
  /** @type {{ id: number, repo: string, pull: number, user: { login: string }, body: string, state: string, html_url: string, comments: any[] }[]} */
  const reviews = [];
  /** @type {{ id: number, repo: string, pull: number, pull_request_review_id: number, user: { login: string }, body: string, path: string, line: number, start_line?: number, side?: string }[]} */
  const reviewComments = [];
  /** `path:line` that GitHub would not take a comment on, whatever the diff says. */
  const refused = new Set();
  let nextReview = 5000;
  const givenPulls = { ...options.pulls };
  const gitRepos = { ...options.gitRepos };
  const sockets = new Set();

  const loginOf = (/** @type {string | undefined} */ auth) => {
    const token = (auth ?? '').replace(/^(token|bearer)\s+/i, '');
    return options.logins?.[token] ?? 'github-actions[bot]';
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      /** @type {RecordedRequest} */
      const record = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: raw ? JSON.parse(raw) : undefined,
        status: 0,
        auth: req.headers.authorization,
      };
      requests.push(record);
      const send = (status, data, headers = {}) => {
        record.status = status;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(data));
      };
      const fault = faults.find((f) => (!f.method || f.method === record.method) && f.path.test(record.path));
      if (fault && (fault.times === undefined || fault.times > 0)) {
        if (fault.times !== undefined) fault.times--;
        if (fault.hang) return;
        return send(fault.status, { message: fault.message ?? `stand-in ${fault.status}` }, fault.headers);
      }
      try {
        route(record, url, send, loginOf(req.headers.authorization));
      } catch (err) {
        send(500, { message: String(err) });
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const address = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address())));
  const url = `http://127.0.0.1:${address.port}`;

  /** One page of `items`, with the Link header GitHub sends when there are more. */
  function page(items, record, send) {
    const perPage = Number(record.query.per_page ?? 30);
    const n = Number(record.query.page ?? 1);
    const slice = items.slice((n - 1) * perPage, n * perPage);
    const headers = {};
    if (n * perPage < items.length) {
      const next = new URL(record.path, url);
      for (const [k, v] of Object.entries({ ...record.query, page: String(n + 1) })) next.searchParams.set(k, v);
      headers.link = `<${next}>; rel="next"`;
    }
    send(200, slice, headers);
  }

  function route(record, reqUrl, send, login) {
    const { method, path, body } = record;
    if (method === 'POST' && path === '/graphql') {
      if (/viewer\s*\{\s*login/.test(body?.query ?? '')) return send(200, { data: { viewer: { login } } });
      return send(200, { errors: [{ message: 'the stand-in knows only viewer { login }' }] });
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (!m) return send(404, { message: 'Not Found' });
    if (m[3] === undefined && method === 'GET') {
      return send(200, { full_name: `${m[1]}/${m[2]}`, default_branch: options.defaultBranch ?? 'main' });
    }
    if (m[3] === undefined) return send(404, { message: 'Not Found' });
    const repo = `${m[1]}/${m[2]}`;
    const rest = m[3];

    if ((m = /^collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const user = decodeURIComponent(m[1]);
      const permission = permissions[user];
      if (!permission) return send(404, { message: `${user} is not a user` });
      const legacy = { maintain: 'write', triage: 'read' }[permission] ?? permission;
      return send(200, { permission: legacy, role_name: permission, user: { login: user } });
    }
    // A pull request given as an option answers as given; any other is one opened through the API (routePulls).
    if ((m = /^pulls\/(\d+)$/.exec(rest)) && method === 'GET' && givenPulls[Number(m[1])]) {
      return send(200, { number: Number(m[1]), ...givenPulls[Number(m[1])] });
    }
    if ((m = /^git\/(trees|blobs)\/([0-9a-f]+)$/.exec(rest)) && method === 'GET') {
      const dir = gitRepos[repo];
      if (!dir) return send(404, { message: 'Not Found' });
      return m[1] === 'trees' ? sendTree(dir, m[2], record.query.recursive, send) : sendBlob(dir, m[2], send);
    }
    if ((m = /^issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(m[1]);
      if (method === 'GET') {
        return page(
          comments.filter((c) => c.repo === repo && c.issue === issue),
          record,
          send,
        );
      }
      if (method === 'POST') {
        const id = nextComment++;
        const comment = {
          id,
          issue,
          repo,
          body: body.body,
          user: { login },
          html_url: `${serverUrl}/${repo}/issues/${issue}#issuecomment-${id}`,
        };
        comments.push(comment);
        return send(201, comment);
      }
    }
    if ((m = /^issues\/comments\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const comment = comments.find((c) => c.repo === repo && c.id === Number(m[1]));
      if (!comment) return send(404, { message: 'Not Found' });
      if (comment.user.login !== login) return send(403, { message: 'Resource not accessible by integration' });
      comment.body = body.body;
      return send(200, comment);
    }
    if ((m = /^pulls\/(\d+)\/(files|reviews|comments)$/.exec(rest)) && method === 'GET') {
      const pull = Number(m[1]);
      if (m[2] === 'files') return page(pullFiles.get(`${repo}#${pull}`) ?? [], record, send);
      const list = m[2] === 'reviews' ? reviews : reviewComments;
      return page(
        list.filter((x) => x.repo === repo && x.pull === pull),
        record,
        send,
      );
    }
    if ((m = /^pulls\/(\d+)\/reviews$/.exec(rest)) && method === 'POST') {
      return createReview(repo, Number(m[1]), body, login, send);
    }
    if ((m = /^pulls\/(\d+)\/reviews\/(\d+)$/.exec(rest)) && method === 'DELETE') {
      const i = reviews.findIndex((r) => r.repo === repo && r.id === Number(m[2]));
      if (i === -1) return send(404, { message: 'Not Found' });
      if (reviews[i].state !== 'PENDING') return send(422, { message: 'Can not delete a non-pending review' });
      return send(200, reviews.splice(i, 1)[0]);
    }
    if (rest === 'pulls' || /^pulls\/\d+$/.test(rest)) return routePulls(record, repo, rest, send, login);
    if (rest === 'issues' && method === 'GET') {
      const { state = 'open', creator, sort = 'created', direction = 'desc' } = record.query;
      const found = issues.filter(
        (i) => i.repo === repo && (state === 'all' || i.state === state) && (!creator || i.user.login === creator),
      );
      const key = sort === 'updated' ? (i) => i.updated : (i) => i.number;
      found.sort((a, b) => (direction === 'asc' ? key(a) - key(b) : key(b) - key(a)));
      return page(found, record, send);
    }
    if (rest === 'issues' && method === 'POST') {
      const issue = addIssue({ repo, title: body.title, body: body.body ?? '', labels: body.labels ?? [], login });
      return send(201, issue);
    }
    if ((m = /^issues\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const issue = issues.find((i) => i.repo === repo && i.number === Number(m[1]));
      if (!issue) return send(404, { message: 'Not Found' });
      if (body.body !== undefined) issue.body = body.body;
      issue.updated = ++ticks;
      return send(200, issue);
    }
    send(404, { message: `the stand-in has no ${method} ${path}` });
  }

  /** The lines of the new version a comment may go on: the `+` and context lines of the patch's hunks. */
  function rightLines(patch) {
    const lines = new Set();
    let n = 0;
    for (const l of (patch ?? '').split('\n')) {
      const h = /^@@ -\S+ \+(\d+)/.exec(l);
      if (h) n = Number(h[1]);
      else if (n && (l[0] === '+' || l[0] === ' ')) lines.add(n++);
    }
    return lines;
  }

  /** A review as GitHub makes one: every comment on a line of its file's diff, or 422 for the whole review. */
  function createReview(repo, pull, body, login, send) {
    const files = pullFiles.get(`${repo}#${pull}`) ?? [];
    for (const c of body.comments ?? []) {
      const lines = rightLines(files.find((f) => f.filename === c.path)?.patch);
      const wanted = c.start_line === undefined ? [c.line] : [c.start_line, c.line];
      if (wanted.some((l) => !lines.has(l) || refused.has(`${c.path}:${l}`))) {
        return send(422, {
          message: 'Unprocessable Entity',
          errors: ['Line could not be resolved'],
          documentation_url: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
        });
      }
    }
    if (body.event && body.event !== 'COMMENT' && body.event !== 'APPROVE' && body.event !== 'REQUEST_CHANGES') {
      return send(422, { message: `bad event ${body.event}` });
    }
    const id = nextReview++;
    const state =
      { COMMENT: 'COMMENTED', APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED' }[body.event] ?? 'PENDING';
    const review = {
      id,
      repo,
      pull,
      user: { login },
      body: body.body ?? '',
      state,
      html_url: `${serverUrl}/${repo}/pull/${pull}#pullrequestreview-${id}`,
      comments: body.comments ?? [],
    };
    reviews.push(review);
    if (state !== 'PENDING') {
      for (const c of review.comments) {
        reviewComments.push({ id: nextComment++, repo, pull, pull_request_review_id: id, user: { login }, ...c });
      }
    }
    return send(200, review);
  }

  /** The pull requests' endpoints: a pull request is an issue with a head and a base branch. */
  function routePulls(record, repo, rest, send, login) {
    const { method, body, query } = record;
    const asPull = (i) => ({
      ...i,
      head: { ref: i.head, label: `${repo.split('/')[0]}:${i.head}` },
      base: { ref: i.base },
    });
    if (rest === 'pulls' && method === 'GET') {
      const { state = 'open', head } = query;
      const found = issues.filter(
        (i) =>
          i.repo === repo &&
          i.pull_request &&
          (state === 'all' || i.state === state) &&
          (!head || `${repo.split('/')[0]}:${i.head}` === head),
      );
      return page(found.map(asPull), record, send);
    }
    if (rest === 'pulls' && method === 'POST') {
      const taken = issues.find((i) => i.repo === repo && i.pull_request && i.state === 'open' && i.head === body.head);
      if (taken) return send(422, { message: `A pull request already exists for ${body.head}.` });
      const issue = addIssue({ repo, title: body.title, body: body.body ?? '', login, pullRequest: true });
      Object.assign(issue, { head: body.head, base: body.base });
      return send(201, asPull(issue));
    }
    const issue = issues.find((i) => i.repo === repo && i.pull_request && i.number === Number(rest.slice(6)));
    if (!issue) return send(404, { message: 'Not Found' });
    if (method === 'GET') return send(200, asPull(issue));
    if (method !== 'PATCH') return send(404, { message: `the stand-in has no ${method} ${record.path}` });
    if (body.title !== undefined) issue.title = body.title;
    if (body.body !== undefined) issue.body = body.body;
    issue.updated = ++ticks;
    return send(200, asPull(issue));
  }

  /** A tree as GitHub lists it (`recursive`: every entry below it too), read from the repository with git. */
  function sendTree(dir, sha, recursive, send) {
    let listing;
    try {
      const args = ['ls-tree', '-z', '--full-tree', ...(recursive ? ['-r', '-t'] : []), sha];
      listing = execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return send(404, { message: 'Not Found' });
    }
    const tree = listing
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const [, mode, type, oid, path] = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(record);
        return { path, mode, type, sha: oid };
      });
    send(200, { sha, tree, truncated: false });
  }

  function sendBlob(dir, sha, send) {
    try {
      const content = execFileSync('git', ['-C', dir, 'cat-file', 'blob', sha], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      send(200, { sha, size: content.length, encoding: 'base64', content: content.toString('base64') });
    } catch {
      send(404, { message: 'Not Found' });
    }
  }

  /** An issue (or, with `pullRequest`, a pull request) as if someone had opened it. */
  function addIssue({ repo, title, body = '', labels = [], login, pullRequest = false, state = 'open' }) {
    const number = issues.length + 1;
    const issue = {
      number,
      repo,
      title,
      body,
      state,
      labels: labels.map((name) => (typeof name === 'string' ? { name } : name)),
      user: { login },
      html_url: `${serverUrl}/${repo}/${pullRequest ? 'pull' : 'issues'}/${number}`,
      updated: ++ticks,
      ...(pullRequest ? { pull_request: { url: `${url}/repos/${repo}/pulls/${number}` } } : {}),
    };
    issues.push(issue);
    return issue;
  }

  return {
    url,
    requests,
    comments,
    issues,
    /** The pull requests opened through the API, or added with `addIssue({ pullRequest: true })`. */
    pulls: () => issues.filter((i) => i.pull_request),
    permissions,
    addIssue,
    reviews,
    reviewComments,
    /** The files GET pulls/:number/files lists, in order: `{ filename, status, patch }`. */
    setPullFiles: (/** @type {string} */ repo, /** @type {number} */ pull, files) =>
      void pullFiles.set(
        `${repo}#${pull}`,
        files.map((f) => ({ status: 'modified', ...f })),
      ),
    /** A line GitHub will not take a comment on (422), though the diff shows it. */
    refuseLine: (/** @type {string} */ path, /** @type {number} */ line) => void refused.add(`${path}:${line}`),
    /** Serves a repository on disk as `repo` (its trees and blobs), with its pull requests. */
    serveRepo: (repo, dir, repoPulls = {}) => {
      gitRepos[repo] = dir;
      Object.assign(givenPulls, repoPulls);
    },
    /** Answers `status` (or nothing) to requests matching `method` and `path`, `times` times (or always). @param {Fault} fault */
    fail: (fault) => void faults.push(fault),
    /** Forgets the faults and the recorded requests (not the issues and comments). */
    reset: () => {
      faults.length = 0;
      requests.length = 0;
      refused.clear();
    },
    /** The requests that change something (GraphQL reads left out). */
    writes: () => requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql'),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
