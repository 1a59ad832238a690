// The one bundle the three actions share. Each bundle of its own held the same 5 MB of dependencies and took
// ncc 20 s to build; `npm run bundle` builds this once and gives each action.yml an entry that calls its run.
export { run as main } from './main.js';
export { run as aggregate } from './aggregate/main.js';
export { run as apply } from './apply/main.js';
