import os from 'node:os';
import { limiter } from '../util/limit.js';

/**
 * How long a CLI may hold its start slot without printing, so that one stuck start-up cannot stop the others. A
 * CLI version that printed nothing until its answer would turn the gate into steps of this length.
 */
const START_SLOT_MAX_MS = 20_000;

/** Gives a start slot back. Only the first call counts, so every way an attempt ends may call it. */
export type Release = () => void;

/**
 * Limits how many CLIs are starting (spawned, not yet printing) at once. Running agents are not limited by it: a
 * CLI waiting on the model needs almost no CPU, but a starting one needs a whole core for about 0.4 s, so CLIs
 * that start all at once on a small runner only slow each other down.
 */
export interface StartGate {
  /** Waits for a start slot. The CLI spawns holding it and gives it back at its first output or its exit. */
  take(): Promise<Release>;
}

/** The run's start gate: `slots` start-ups at once, by default one per core. */
export function openStartGate(slots = os.availableParallelism()): StartGate {
  const limit = limiter(slots);
  return {
    take: () =>
      new Promise<Release>((taken) => {
        void limit(
          () =>
            new Promise<void>((release) => {
              const guard = setTimeout(release, START_SLOT_MAX_MS);
              taken(() => {
                clearTimeout(guard);
                release();
              });
            }),
        );
      }),
  };
}

/** How many agents may be in flight, which holds an agent's first spawn back (the adaptive concurrency). */
export interface Admission {
  /** Whether one more agent may spawn for the first time now. */
  open(): boolean;
  /** Resolves when `open` may have changed. */
  changed(): Promise<void>;
  /** The agent spawns for the first time, holding its start slot: it is in flight from now on. */
  admit(): void;
}

const NO_SLOT: Release = () => {};

/**
 * One agent's way through `gate` (none: no start-up limit) with `admission` applied at the spawn. The pool may
 * start a whole matrix before the first pushback lowers the limit, with most agents still queued at the gate, so
 * the limit must hold at the spawn too. The agent's first spawn waits, holding no start slot, until `open`, then
 * takes a slot and checks again: another agent may have taken the last place meanwhile. Its later attempts take a
 * slot and go straight on, as it is in flight already; as a waiting agent holds no slot, an agent in flight can
 * always start its retry.
 */
export function admitting(gate: StartGate | undefined, admission: Admission): StartGate {
  let admitted = false;
  const slot = async () => (await gate?.take()) ?? NO_SLOT;
  return {
    async take() {
      if (admitted) return slot();
      for (;;) {
        if (!admission.open()) await admission.changed();
        const release = await slot();
        if (admission.open()) {
          admitted = true;
          admission.admit();
          return release;
        }
        release();
      }
    },
  };
}
