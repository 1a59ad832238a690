// The stand-in GitHub REST API for the examples that scripts/act-e2e.sh runs under act: starts it on 127.0.0.1,
// prints its URL as the first line of stdout, and on SIGTERM or SIGINT writes what it holds (every recorded
// request, the comments, the issues, the reviews and their line comments) to the file named by its argument,
// then exits. PULL.json, when given and present, holds the pull request's files it serves, with their patches:
// `{ "repo": "owner/name", "number": 7, "files": [{ "filename": "...", "patch": "..." }] }`.
//   node __tests__/act/serve-github.js STATE.json [PULL.json]
import fs from 'node:fs';
import { startGitHubApi } from '../../stand-ins/github-api.js';

const [stateFile, pullFile] = process.argv.slice(2);
if (!stateFile) throw new Error('usage: node __tests__/act/serve-github.js STATE.json [PULL.json]');
const api = await startGitHubApi();
if (pullFile && fs.existsSync(pullFile)) {
  const pull = JSON.parse(fs.readFileSync(pullFile, 'utf8'));
  api.setPullFiles(pull.repo, pull.number, pull.files);
}
console.log(api.url);
const stop = async () => {
  const { requests, comments, issues, reviews, reviewComments } = api;
  fs.writeFileSync(stateFile, JSON.stringify({ requests, comments, issues, reviews, reviewComments }, null, 2));
  await api.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
