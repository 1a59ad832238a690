// Loaded with `node --import` (through NODE_OPTIONS) into the action's process only (never into the agents): when the action
// exits, writes its own peak RSS and CPU time (getrusage of itself), and the CPU time of the children it
// reaped (the agents: its /proc/self/stat line, parsed by the bench), to the file named by BENCH_PROBE_OUT.
// It changes nothing the action does, and imports nothing, so that no loader runs in the action's process.
import fs from 'node:fs';

const out = process.env.BENCH_PROBE_OUT;
// The action hands its environment to the agents: put it back as it was before the bench added the probe.
const before = process.env.BENCH_NODE_OPTIONS;
delete process.env.BENCH_PROBE_OUT;
delete process.env.BENCH_NODE_OPTIONS;
if (before) process.env.NODE_OPTIONS = before;
else delete process.env.NODE_OPTIONS;

if (out) {
  process.on('exit', (code) => {
    const ru = process.resourceUsage();
    const mem = process.memoryUsage();
    const report = {
      code,
      userCpuMs: ru.userCPUTime / 1000,
      systemCpuMs: ru.systemCPUTime / 1000,
      // getrusage's ru_maxrss: kilobytes on Linux.
      maxRssKb: ru.maxRSS,
      procStat: fs.readFileSync('/proc/self/stat', 'utf8'),
      rssAtExitKb: Math.round(mem.rss / 1024),
      heapUsedAtExitKb: Math.round(mem.heapUsed / 1024),
      uptimeMs: Math.round(performance.now()),
    };
    fs.writeFileSync(out, JSON.stringify(report));
  });
}
