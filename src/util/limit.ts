export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `n` tasks at once; a finishing task hands its slot straight to the next in line. */
export function limiter(n: number): Limiter {
  // A size below one would queue every task for ever.
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`limiter(n): n must be a whole number of at least 1, got ${n}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
