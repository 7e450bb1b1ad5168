/** CPU time of another process, for splitting a run's CPU between server, worker and bench. */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime/stime in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU milliseconds of `pid` and all its threads so far; undefined off Linux. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
}

/** This process's user + system CPU milliseconds so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU milliseconds of each of `pids` and of every process below them (PostgreSQL's backends); undefined off Linux. */
export function processTreesCpuMs(pids: readonly number[]): number | undefined {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone since the listing.
    }
  }
  let total = 0;
  const pending = [...pids];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += processCpuMs(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}
