// How much CPU processes outside the bench (this process and its descendants: the API, the
// floor, the embedded PostgreSQL; plus a local DATABASE_URL server) used during a run, from /proc. On a shared machine that is
// the noise in the numbers. Linux only; elsewhere it reports nothing.
import { readdirSync, readFileSync } from 'node:fs';

type Sample = { machineBusy: number; machineTotal: number; ours: number };

function processStat(pid: string): { ppid: number; jiffies: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based from pid.
    const jiffies = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { ppid: Number(fields[1]), jiffies };
  } catch {
    return undefined;
  }
}

/** Further process trees to count as the bench's own (a local PostgreSQL's postmaster). */
const ownRoots = new Set<number>([process.pid]);

/** Counts the PostgreSQL server a backend pid (`select pg_backend_pid()`) belongs to as the bench's, when it runs here. */
export function countPostgresAsOurs(backendPid: number): void {
  try {
    if (!readFileSync(`/proc/${backendPid}/comm`, 'utf8').startsWith('postgres')) return;
    const postmaster = processStat(String(backendPid))?.ppid;
    if (postmaster && postmaster > 1) ownRoots.add(postmaster);
  } catch {
    // not on this machine (or not Linux)
  }
}

function sample(): Sample | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    const machineBusy = user + nice + system + irq + softirq + steal;
    const stats = new Map<number, { ppid: number; jiffies: number }>();
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const stat = processStat(pid);
      if (stat) stats.set(Number(pid), stat);
    }
    const ours = (pid: number): boolean => ownRoots.has(pid) || (pid > 1 && stats.has(pid) && ours(stats.get(pid)!.ppid));
    let oursJiffies = 0;
    for (const [pid, stat] of stats) if (ours(pid)) oursJiffies += stat.jiffies;
    return { machineBusy, machineTotal: machineBusy + idle + iowait, ours: oursJiffies };
  } catch {
    return undefined;
  }
}

/** Starts measuring; the returned function gives the share (0..1) of the machine's CPU others used since. */
export function watchOtherCpu(): () => number | undefined {
  const start = sample();
  return () => {
    const end = sample();
    if (!start || !end || end.machineTotal === start.machineTotal) return undefined;
    const others = end.machineBusy - start.machineBusy - (end.ours - start.ours);
    return Math.max(0, others) / (end.machineTotal - start.machineTotal);
  };
}
