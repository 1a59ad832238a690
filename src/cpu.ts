import fs from 'node:fs';

/** Linux reports process times in USER_HZ, which is 100 on every architecture. */
const MS_PER_TICK = 10;

/**
 * CPU time used so far by this process's finished children (and theirs), from /proc/self/stat;
 * undefined where there is no /proc.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime + cstime) ? (cutime + cstime) * MS_PER_TICK : undefined;
  } catch {
    return undefined;
  }
}
