/**
 * Runs `task` when poked, at most once per `intervalMs` and never twice at once: a poke while it runs, or
 * sooner than the interval after its last start, makes one more run when the interval has passed, however
 * many pokes came. `close` stops further runs and waits for the one in flight.
 */
export function throttle(intervalMs: number, task: () => Promise<void>) {
  let lastStart = -Infinity;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let again = false;
  let closed = false;

  const start = () => {
    timer = undefined;
    if (closed) return;
    lastStart = Date.now();
    running = task()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          poke();
        }
      });
  };

  const poke = () => {
    if (closed || timer) return;
    if (running) {
      again = true;
      return;
    }
    const wait = lastStart + intervalMs - Date.now();
    if (wait <= 0) start();
    // Unref'd: a run that ends early (an error) must not wait for a progress edit; `close` ends it otherwise.
    else timer = setTimeout(start, wait).unref();
  };

  return {
    poke,
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
  };
}
