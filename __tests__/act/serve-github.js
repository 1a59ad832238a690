// The stand-in GitHub REST API for the examples that scripts/act-e2e.sh runs under act: starts it on 127.0.0.1,
// prints its URL as the first line of stdout, and on SIGTERM or SIGINT writes what it holds (every recorded
// request, the comments, the issues) to the file named by its argument, then exits.
//   node __tests__/act/serve-github.js STATE.json
import fs from 'node:fs';
import { startGitHubApi } from '../../stand-ins/github-api.js';

const [stateFile] = process.argv.slice(2);
if (!stateFile) throw new Error('usage: node __tests__/act/serve-github.js STATE.json');
const api = await startGitHubApi();
console.log(api.url);
const stop = async () => {
  const { requests, comments, issues } = api;
  fs.writeFileSync(stateFile, JSON.stringify({ requests, comments, issues }, null, 2));
  await api.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
