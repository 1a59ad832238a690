import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../stand-ins/run-action.js';

// The benchmark and the demo run the stand-ins without the tests: what they use must live outside __tests__/,
// or a change to a test helper would quietly change (or break) `npm run bench` and `npm run demo`.
const OUTSIDE_TESTS = ['bench', 'scripts', 'stand-ins'];
const TESTS = path.join(ROOT, '__tests__');

function codeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : codeFiles(full);
    return /\.[cm]?[jt]s$/.test(e.name) ? [full] : [];
  });
}

/** Every module a file names: static imports and re-exports, side-effect imports and dynamic import(). */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]/g];
  return patterns.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
}

/** The files each file imports from the project, as absolute paths (package imports are left out). */
const imports = new Map(
  OUTSIDE_TESTS.flatMap((dir) => codeFiles(path.join(ROOT, dir))).map((file) => [
    file,
    specifiers(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => path.resolve(path.dirname(file), s)),
  ]),
);

describe('bench/, scripts/ and stand-ins/', () => {
  it('finds the imports it checks (the check would pass on nothing otherwise)', () => {
    expect(imports.get(path.join(ROOT, 'bench', 'run.js'))).toContain(path.join(ROOT, 'stand-ins', 'model-server.js'));
    expect(imports.get(path.join(ROOT, 'scripts', 'demo.js'))).toContain(path.join(ROOT, 'stand-ins', 'run-action.js'));
  });

  it('import nothing from __tests__/', () => {
    const wrong = [...imports].flatMap(([file, targets]) =>
      targets
        .filter((t) => t === TESTS || t.startsWith(TESTS + path.sep))
        .map((t) => `${path.relative(ROOT, file)} imports ${path.relative(ROOT, t)}`),
    );
    expect(wrong).toEqual([]);
  });
});
