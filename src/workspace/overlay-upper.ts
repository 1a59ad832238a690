import fs from 'node:fs';
import path from 'node:path';

/** The layers of one agent's overlay that tell what it changed. */
interface TouchedLayers {
  upper: string;
  /** The bottom layer, the base's files (a layer over it that only changes owners changes no content). */
  lower: string;
  merged: string;
}

/**
 * The paths of an agent's tree that can differ from its lower layer, `/`-separated and relative to the tree:
 * everything its upper layer holds (written files, a deletion's whiteout) but the tree's own `.git`, a folder
 * where what the upper layer lists does not say all (see `wholeFolder`), and a nested repository as its folder.
 * Every other path of the merged view is the lower's, untouched. Undefined when the upper layer cannot be read
 * (the caller then looks at the whole tree).
 */
export function touchedPaths(layers: TouchedLayers): string[] | undefined {
  const found: string[] = [];
  try {
    walk(layers, '', found);
  } catch {
    return undefined;
  }
  return found;
}

function walk(layers: TouchedLayers, rel: string, found: string[]): void {
  const entries = fs.readdirSync(path.join(layers.upper, rel), { withFileTypes: true });
  const nested = entries.some((e) => e.name === '.git') || fs.existsSync(path.join(layers.lower, rel, '.git'));
  if (rel && nested) {
    // A repository in the tree (the agent's, or a submodule): git takes its folder as one entry.
    found.push(rel);
    return;
  }
  for (const entry of entries) {
    if (!rel && entry.name === '.git') continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (!entry.isDirectory()) found.push(child);
    else if (wholeFolder(layers, child)) found.push(child);
    else walk(layers, child, found);
  }
}

/**
 * Whether a folder of the upper layer must be looked at whole, because its upper entries do not list every
 * difference: it is new, or replaces a file, or the agent removed it and made it again (an opaque folder hides
 * the lower's entries without a whiteout each), or it shows entries that neither layer lists (a folder moved
 * with the kernel's redirect_dir).
 */
function wholeFolder(layers: TouchedLayers, rel: string): boolean {
  const lower = path.join(layers.lower, rel);
  if (!fs.statSync(lower, { throwIfNoEntry: false })?.isDirectory()) return true;
  const below = fs.readdirSync(lower);
  const above = new Set(fs.readdirSync(path.join(layers.upper, rel)));
  const merged = fs.readdirSync(path.join(layers.merged, rel));
  const known = new Set([...below, ...above]);
  if (merged.some((name) => !known.has(name))) return true;
  const shown = new Set(merged);
  return below.some((name) => !above.has(name) && !shown.has(name));
}
