import * as core from '@actions/core';

/** The runner sends SIGINT, then SIGTERM 7.5 s later, when a run is cancelled, and kills the tree 2.5 s after. */
const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * How long after a cancel each part of the ending may still take, counted from the first signal. Agents get
 * 2.5 s to stop and uploads the rest of `uploads`; the final comment and the issue get until `publish`, which
 * leaves room to exit before the runner's SIGTERM at 7.5 s (the cancel tests hold the action to 7 s).
 */
const CANCEL_DEADLINES_MS = { uploads: 5500, publish: 6000 } as const;

export type CancelDeadline = keyof typeof CANCEL_DEADLINES_MS;

/**
 * A step's cancellation: the runner's signals abort `signal`, and from then on work that is waited for
 * `within` a deadline is given up at it, so that the action can still write what it knows and exit in time.
 */
export class Cancellation {
  private readonly controller = new AbortController();
  private cancelledAt = 0;
  private readonly onSignal = () => this.cancel();

  constructor() {
    for (const s of CANCEL_SIGNALS) process.on(s, this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Waits for `work`, or once cancelled only until `deadline` after the cancel, then goes on without it
   * (undefined).
   */
  async within<T>(work: Promise<T>, deadline: CancelDeadline): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const given = new Promise<undefined>((resolve) => {
      const arm = () =>
        (timer = setTimeout(() => resolve(undefined), this.cancelledAt + CANCEL_DEADLINES_MS[deadline] - Date.now()));
      if (this.cancelled) arm();
      else this.signal.addEventListener('abort', arm, { once: true });
    });
    try {
      return await Promise.race([work, given]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops listening for the runner's signals. */
  dispose(): void {
    for (const s of CANCEL_SIGNALS) process.off(s, this.onSignal);
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancelledAt = Date.now();
    core.warning('Cancelled: stopping every agent; no new agent starts.');
    this.controller.abort();
  }
}
