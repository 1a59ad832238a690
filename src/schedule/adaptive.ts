// Adaptive concurrency: how many agents the scheduler keeps in flight, lowered when the API pushes back
// (429, 529) and raised again after a quiet period: additive increase, multiplicative decrease (AIMD), as TCP
// does with its congestion window. Pure: the caller passes the time in, and sets any timer itself.

/** A change of how many agents may run at once, for the log. */
export interface ConcurrencyChange {
  from: number;
  to: number;
  /** `rate-limited`: lowered as the API pushed back; `quiet`: raised after a quiet period. */
  why: 'rate-limited' | 'quiet';
}

interface AdaptiveOptions {
  /** The most agents at once (`max-parallel`): the limit starts here and never rises above it. */
  max: number;
  /** False: only count the rate-limit events; the limit stays at `max`. */
  adapt: boolean;
  /** How long without pushback before the limit rises by one. */
  quietMs?: number;
  /** The time the run starts, in ms. */
  now: number;
}

/** Long enough for agents to have sent requests at the new limit: a CLI's turn takes seconds. */
export const QUIET_MS = 10_000;

export class AdaptiveConcurrency {
  /** How many agents may be in flight now. */
  limit: number;
  /** The lowest `limit` reached. */
  lowest: number;
  /** How many 429s and 529s agents met (each retry the CLI made counts). */
  events = 0;
  readonly max: number;
  readonly adapt: boolean;
  readonly quietMs: number;
  /** Counts the decreases; an agent carries the one it started in. */
  private epoch = 0;
  /** The last pushback, change or failed chance to rise: the quiet period runs from here. */
  private calmSince: number;

  constructor(o: AdaptiveOptions) {
    this.max = Math.max(1, o.max);
    this.limit = this.max;
    this.lowest = this.max;
    this.adapt = o.adapt;
    this.quietMs = o.quietMs ?? QUIET_MS;
    this.calmSince = o.now;
  }

  /** An agent starts: the value it gets goes back in with its pushback (see `rateLimited`). */
  started(): number {
    return this.epoch;
  }

  /**
   * The API pushed back on an agent that started in `epoch`, with `running` agents in flight. The limit
   * falls to half of what was in flight (at least one). Pushback on an agent that was already running when
   * the limit last fell is counted but lowers nothing: that decrease already answered for it, and the
   * agents started above the new limit keep retrying for a while, which says nothing about the new limit.
   */
  rateLimited(now: number, epoch: number, running: number): ConcurrencyChange | undefined {
    this.events++;
    this.calmSince = now;
    if (!this.adapt || epoch < this.epoch) return undefined;
    // Said from what was in flight: "8 → 4", not "50 → 4" when max-parallel is 50 and 8 ran.
    const from = Math.min(this.limit, Math.max(1, running));
    const to = Math.max(1, Math.floor(from / 2));
    if (to >= this.limit) return undefined;
    return { ...this.change(to, 'rate-limited'), ...(to < from && { from }) };
  }

  /**
   * Raises the limit by one when there was no pushback for a quiet period and the limit holds agents back
   * (`running` at the limit and some `waiting`). A limit that holds nothing back learns nothing by rising,
   * so the quiet period starts again instead.
   */
  poll(now: number, running: number, waiting: number): ConcurrencyChange | undefined {
    if (!this.adapt || this.limit >= this.max || now - this.calmSince < this.quietMs) return undefined;
    this.calmSince = now;
    if (running < this.limit || waiting === 0) return undefined;
    return this.change(this.limit + 1, 'quiet');
  }

  /** When `poll` may next raise the limit; undefined when it never will. */
  nextRiseAt(): number | undefined {
    return this.adapt && this.limit < this.max ? this.calmSince + this.quietMs : undefined;
  }

  private change(to: number, why: ConcurrencyChange['why']): ConcurrencyChange {
    const from = this.limit;
    this.limit = to;
    this.lowest = Math.min(this.lowest, to);
    if (why === 'rate-limited') this.epoch++;
    return { from, to, why };
  }
}
