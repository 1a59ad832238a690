import fs from 'node:fs';
import path from 'node:path';
import type { AgentSpec } from '../types.js';
import { InputError } from '../util/errors.js';
import { parseAgents, type AgentDefaults } from './matrix.js';

/** The files a planner may leave in its working folder, in the matrix format. */
const PLAN_FILES = ['agents.yml', 'agents.json'] as const;
/** A plan is a list of prompts: far more than this is not one. */
const MAX_PLAN_BYTES = 4 * 1024 * 1024;

export interface PlanOptions {
  planner: AgentSpec;
  /** The planner's working folder, where it left its file. */
  folder: string;
  /** The repository: every file a plan names is read from it, as the matrix's are. */
  workspace: string;
  defaults: AgentDefaults;
  /** The ids of every agent in the run so far. */
  taken: readonly string[];
  maxAgents: number;
}

/**
 * The agents a planner adds to the run, read from the `agents.yml` (or `agents.json`) it left, by the matrix's
 * rules, with their ids (and needs) prefixed `<planner>.`. Throws an InputError saying why, and then none of them
 * run: no file, a bad one, an agent that would add more, or more agents than `max-agents` allows.
 */
export function readPlan(o: PlanOptions): AgentSpec[] {
  const who = `Planner "${o.planner.id}"`;
  const found = PLAN_FILES.filter((name) => exists(path.join(o.folder, name)));
  if (found.length === 0) {
    throw new InputError(
      `${who} left no ${PLAN_FILES.join(' or ')} in its working folder; a planner writes its agents there, as a list in the matrix format`,
    );
  }
  if (found.length > 1) throw new InputError(`${who} left both ${found.join(' and ')}; leave one`);
  const file = found[0]!;
  const text = readPlanFile(path.join(o.folder, file), `${who}'s ${file}`);
  const specs = parseAgents(`${who}'s ${file}`, text, o.workspace, o.defaults);

  const spawning = specs.filter((s) => s.spawn);
  if (spawning.length) {
    throw new InputError(
      `${who}'s ${file}: ${spawning.map((s) => `"${s.id}"`).join(', ')} ${spawning.length > 1 ? 'have' : 'has'} 'spawn: true', but agents a planner adds cannot add more`,
    );
  }
  const total = o.taken.length + specs.length;
  if (total > o.maxAgents) {
    throw new InputError(
      `${who} asked for ${specs.length} agents; with the ${o.taken.length} already in the run that makes ${total}, more than input 'max-agents' (${o.maxAgents}), so none of them start. Raise 'max-agents' or have the planner ask for fewer`,
    );
  }
  const prefix = (id: string) => `${o.planner.id}.${id}`;
  const taken = new Set(o.taken);
  const clash = specs.map((s) => prefix(s.id)).filter((id) => taken.has(id));
  if (clash.length) {
    throw new InputError(`${who}'s ${file}: agent ids ${clash.join(', ')} are already used in the run; rename them`);
  }
  return specs.map((s, i) => ({
    ...s,
    index: o.taken.length + i,
    id: prefix(s.id),
    needs: s.needs?.map(prefix),
    addedBy: o.planner.id,
  }));
}

/** A regular file, not a link: a planner's folder is the agent's, and a link could point anywhere. */
function exists(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

function readPlanFile(file: string, what: string): string {
  const size = fs.statSync(file).size;
  if (size > MAX_PLAN_BYTES) {
    throw new InputError(
      `${what} is ${Math.ceil(size / 1024)} KiB; a plan may be at most ${MAX_PLAN_BYTES / 1024} KiB`,
    );
  }
  return fs.readFileSync(file, 'utf8');
}
