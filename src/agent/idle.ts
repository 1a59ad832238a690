/**
 * Stops a CLI that has gone silent: `onIdle` runs once no event has ended on its stdout for `minutes` (each event
 * is one JSON line, so the clock restarts at every line break). A CLI waiting on a model that sent its headers and
 * then nothing prints nothing; only this, or `timeout-minutes` long after, ends it. Undefined minutes: never.
 */
export function watchIdle(minutes: number | undefined, onIdle: () => void) {
  let fired = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (minutes === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      fired = true;
      onIdle();
    }, minutes * 60_000);
  };
  arm();
  return {
    /** A chunk of stdout: an event ended in it when it holds a line break. */
    saw(chunk: Buffer): void {
      if (!fired && chunk.includes(0x0a)) arm();
    },
    stop(): void {
      clearTimeout(timer);
    },
    get fired(): boolean {
      return fired;
    },
  };
}
