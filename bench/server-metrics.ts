/**
 * Counters from the dev server's Prometheus endpoint: frontend gRPC requests by operation (what the
 * worker and client cost the server) and the server's `action` counter by type (what Temporal
 * Cloud would bill as Actions). Read before and after a run; the difference is the run's cost.
 */
import { countDelta } from './stats.js';

export interface ServerCounters {
  /** Frontend requests of our namespace by operation, e.g. RespondActivityTaskCompleted. */
  requests: Record<string, number>;
  /** Server `action` metric of our namespace by action_type, e.g. command_ScheduleActivityTask. */
  actions: Record<string, number>;
}

/** A little over the server's metrics report interval (1 s). */
const REPORT_INTERVAL_MS = 1_200;
const SAMPLE = /^(\w+)\{([^}]*)\}\s+(\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Summed over the server's processes (one on the dev server, one per service on a cluster). */
export async function readServerCounters(metricsUrls: readonly string[], namespace: string): Promise<ServerCounters> {
  const texts = await Promise.all(
    metricsUrls.map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`server metrics ${url} answered ${response.status}`);
      return response.text();
    }),
  );
  const counters: ServerCounters = { requests: {}, actions: {} };
  for (const line of texts.join('\n').split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const [, name, labelText, value] = sample;
    const labels = Object.fromEntries([...labelText!.matchAll(LABEL)].map((match) => [match[1], match[2]]));
    if (labels.namespace !== namespace) continue;
    if (name === 'service_requests' && labels.service_name === 'frontend' && labels.operation) {
      counters.requests[labels.operation] = (counters.requests[labels.operation] ?? 0) + Number(value);
    } else if (name === 'action' && labels.action_type) {
      counters.actions[labels.action_type] = (counters.actions[labels.action_type] ?? 0) + Number(value);
    }
  }
  return counters;
}

/** The server reports its metrics about once a second: read until two reads a report apart agree. */
export async function readSettledServerCounters(metricsUrls: readonly string[], namespace: string): Promise<ServerCounters> {
  let previous = await readServerCounters(metricsUrls, namespace);
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, REPORT_INTERVAL_MS));
    const current = await readServerCounters(metricsUrls, namespace);
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  return previous;
}

export function counterDelta(before: ServerCounters, after: ServerCounters): ServerCounters {
  return { requests: countDelta(before.requests, after.requests), actions: countDelta(before.actions, after.actions) };
}
