// Samples a process tree from /proc every few hundred milliseconds: each process's peak RSS (VmHWM) and
// CPU time, the tree's summed RSS, and how busy the machine's CPUs were. Linux only.
import fs from 'node:fs';
import { TICKS_PER_SECOND, parseStat } from '../src/util/proc-stat.js';

/** @param {string} file */
function read(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** @param {number} pid @param {string} name */
function link(pid, name) {
  try {
    return fs.readlinkSync(`/proc/${pid}/${name}`);
  } catch {
    return '';
  }
}

/** Busy and total jiffies of all CPUs, from the first line of /proc/stat. */
function cpuJiffies() {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * @typedef {object} ProcInfo
 * @property {number} pid
 * @property {string} comm
 * @property {string} exe
 * @property {string} cwd
 * @property {number} firstSeenMs
 * @property {number} lastSeenMs
 * @property {number} peakRssKb  VmHWM, the kernel's own high-water mark
 * @property {number} cpuMs      utime + stime at the last sample
 */

export class TreeSampler {
  /**
   * @param {number} rootPid
   * @param {{ intervalMs?: number, pageKb?: number }} [options]
   */
  constructor(rootPid, options = {}) {
    this.rootPid = rootPid;
    this.intervalMs = options.intervalMs ?? 200;
    this.pageKb = options.pageKb ?? 4;
    /** @type {Map<number, ProcInfo>} */
    this.procs = new Map();
    this.treePeakRssKb = 0;
    this.maxProcesses = 0;
    this.samples = 0;
    /** Time spent sampling, to say what the sampler itself cost. */
    this.selfMs = 0;
    /** One point a second: [ms since start, CPU busy %, tree RSS MB, processes]. */
    this.timeline = /** @type {number[][]} */ ([]);
    this.start = performance.now();
    this.cpu0 = cpuJiffies();
    this.lastCpu = this.cpu0;
    this.saturatedSamples = 0;
    this.lastTimelineMs = -Infinity;
    /** The root's own stat at the last sample (its cutime/cstime count the children it reaped). */
    this.rootStat = /** @type {ReturnType<typeof parseStat> | null} */ (null);
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    this.sample();
  }

  sample() {
    const t0 = performance.now();
    const now = t0 - this.start;
    /** @type {Map<number, number[]>} */
    const children = new Map();
    /** @type {Map<number, ReturnType<typeof parseStat>>} */
    const stats = new Map();
    for (const name of fs.readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const text = read(`/proc/${pid}/stat`);
      if (!text) continue;
      const s = parseStat(text);
      stats.set(pid, s);
      const list = children.get(s.ppid);
      if (list) list.push(pid);
      else children.set(s.ppid, [pid]);
    }
    let treeRss = 0;
    let count = 0;
    const queue = [this.rootPid];
    while (queue.length) {
      const pid = /** @type {number} */ (queue.pop());
      const s = stats.get(pid);
      if (!s) continue;
      if (pid === this.rootPid) this.rootStat = s;
      count++;
      treeRss += s.rssPages * this.pageKb;
      let info = this.procs.get(pid);
      if (!info) {
        info = {
          pid,
          comm: s.comm,
          exe: link(pid, 'exe'),
          cwd: link(pid, 'cwd'),
          firstSeenMs: now,
          lastSeenMs: now,
          peakRssKb: 0,
          cpuMs: 0,
        };
        this.procs.set(pid, info);
      }
      // A forked shell that execs a program keeps its pid: follow the name, the executable and the folder.
      if (info.comm !== s.comm) {
        info.comm = s.comm;
        info.exe = link(pid, 'exe');
        info.cwd = link(pid, 'cwd');
      }
      info.lastSeenMs = now;
      info.cpuMs = ((s.utime + s.stime) * 1000) / TICKS_PER_SECOND;
      const hwm = /VmHWM:\s+(\d+)/.exec(read(`/proc/${pid}/status`) ?? '');
      info.peakRssKb = Math.max(info.peakRssKb, hwm ? Number(hwm[1]) : s.rssPages * this.pageKb);
      queue.push(...(children.get(pid) ?? []));
    }
    this.treePeakRssKb = Math.max(this.treePeakRssKb, treeRss);
    this.maxProcesses = Math.max(this.maxProcesses, count);
    const cpu = cpuJiffies();
    const busy = cpu.total > this.lastCpu.total ? (cpu.busy - this.lastCpu.busy) / (cpu.total - this.lastCpu.total) : 0;
    if (busy > 0.95) this.saturatedSamples++;
    if (now - this.lastTimelineMs >= 1000) {
      this.timeline.push([Math.round(now), Math.round(busy * 100), Math.round(treeRss / 1024), count]);
      this.lastTimelineMs = now;
    }
    this.lastCpu = cpu;
    this.samples++;
    this.selfMs += performance.now() - t0;
  }

  /** Stops sampling; returns what was seen. */
  stop() {
    clearInterval(this.timer);
    const cpu = cpuJiffies();
    const elapsed = performance.now() - this.start;
    return {
      samples: this.samples,
      intervalMs: this.intervalMs,
      samplerCpuMs: Math.round(this.selfMs),
      treePeakRssKb: this.treePeakRssKb,
      maxProcesses: this.maxProcesses,
      /** Share of all CPUs' time that was busy over the run (any process on the machine). */
      cpuBusyPct: cpu.total > this.cpu0.total ? (100 * (cpu.busy - this.cpu0.busy)) / (cpu.total - this.cpu0.total) : 0,
      /** Share of the run with every CPU over 95% busy. */
      cpuSaturatedPct: this.samples ? (100 * this.saturatedSamples * this.intervalMs) / elapsed : 0,
      /** CPU time spent by every process on the machine over the run. */
      machineBusyCpuMs: ((cpu.busy - this.cpu0.busy) * 1000) / TICKS_PER_SECOND,
      timeline: this.timeline,
      procs: [...this.procs.values()],
      rootStat: this.rootStat,
    };
  }
}

/**
 * Waits until the machine is quiet (other work would skew the timings): all CPUs together under
 * `maxBusyPct` busy over one second. Gives up after `maxWaitMs` and says how busy it was.
 * @param {{ maxBusyPct?: number, maxWaitMs?: number, onWait?: (busyPct: number) => void }} [options]
 */
export async function waitForQuiet(options = {}) {
  const limit = options.maxBusyPct ?? 15;
  const deadline = Date.now() + (options.maxWaitMs ?? 120_000);
  let waited = false;
  for (;;) {
    const a = cpuJiffies();
    await new Promise((r) => setTimeout(r, 1000));
    const b = cpuJiffies();
    const busy = b.total > a.total ? (100 * (b.busy - a.busy)) / (b.total - a.total) : 0;
    if (busy <= limit || Date.now() > deadline) return { busyPct: busy, waited };
    if (!waited) options.onWait?.(busy);
    waited = true;
  }
}
