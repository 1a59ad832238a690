import fs from 'node:fs';

/** Linux reports process times in USER_HZ, which is 100 on every architecture. */
export const TICKS_PER_SECOND = 100;

export interface ProcStat {
  comm: string;
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  rssPages: number;
  /** When the process started, in ticks since boot: with the pid, names one process for good. */
  startTicks: number;
}

/** The fields of a `/proc/<pid>/stat` line that the action and the benchmark read (times in ticks). */
export function parseStat(text: string): ProcStat {
  // The command name is in parentheses and may itself hold spaces and parentheses.
  const close = text.lastIndexOf(')');
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // f[0] is field 3 (state) of proc(5).
  return {
    comm: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(f[1]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    cutime: Number(f[13]),
    cstime: Number(f[14]),
    rssPages: Number(f[21]),
    startTicks: Number(f[19]),
  };
}

/**
 * CPU time used so far by this process's finished children (and theirs), from /proc/self/stat;
 * undefined where there is no /proc.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const { cutime, cstime } = parseStat(fs.readFileSync('/proc/self/stat', 'utf8'));
    return Number.isFinite(cutime + cstime) ? ((cutime + cstime) * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** When process `pid` started, in ticks since boot; undefined when it is not running. */
export function startTicksOf(pid: number): number | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).startTicks;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that started at `startTicks` as `pid` still runs: what a step names its leftovers by
 * (firewall tables, mounts), since a pid alone may have been given to a later process.
 */
export function stillRunning(pid: number, startTicks: number): boolean {
  return startTicksOf(pid) === startTicks;
}
