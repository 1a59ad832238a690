// The second half of npm run bundle: ncc has built src/actions.ts, the bundle the three actions share, into
// dist/core/; each action.yml's `main` gets an entry of a line that calls its own run. (`main` must be a file,
// and the runner passes it nothing to choose by.) What an earlier layout left in dist/ goes, so that dist/ is
// exactly what this builds.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** Each action's entry, by the run of dist/core/index.js it calls. */
const ENTRIES = { 'index.js': 'main', 'aggregate/index.js': 'aggregate', 'apply/index.js': 'apply' };

for (const name of readdirSync(dist)) if (name !== 'core') rmSync(join(dist, name), { recursive: true });
for (const [file, run] of Object.entries(ENTRIES)) {
  const path = join(dist, file);
  const core = file.includes('/') ? '../core/index.js' : './core/index.js';
  mkdirSync(dirname(path), { recursive: true });
  const why = `// Built by npm run bundle: this action's entry into the bundle the three actions share.`;
  writeFileSync(path, `${why}\nimport { ${run} } from '${core}';\n\nvoid ${run}();\n`);
}
// Node reads the entries as ES modules wherever the action is checked out, as ncc makes it read dist/core/.
writeFileSync(join(dist, 'package.json'), '{ "type": "module" }\n');
