/**
 * The Prometheus metrics both processes share (API and worker), on one registry per process.
 * Modules record through the small helpers below and never touch prom-client themselves; each
 * process serves the registry at /metrics (src/app/metrics.ts, src/app/worker-http.ts).
 * Label values are always from a small fixed set (routes, codes, job names, channels) or capped
 * (GraphQL operation names: src/app/graphql-metrics.ts), so the number of series stays bounded.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export const registry = new Registry();

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequestDuration = new Histogram({
  name: "ntm_http_request_duration_seconds",
  help: "HTTP requests by route (/graphql, /health, /ready, /metrics, /attachments, /admin, other), method and status",
  labelNames: ["route", "method", "status"] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const graphqlOperationDuration = new Histogram({
  name: "ntm_graphql_operation_duration_seconds",
  help: "GraphQL operations by operation name (anonymous, invalid or other when not a known name) and type",
  labelNames: ["operation", "type"] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const graphqlErrors = new Counter({
  name: "ntm_graphql_errors_total",
  help: "Errors returned to GraphQL clients, by extensions.code",
  labelNames: ["code"] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: "ntm_job_duration_seconds",
  help: "Background job runs by queue, job name and outcome (completed, failed, delayed)",
  labelNames: ["queue", "job", "outcome"] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: "ntm_job_failures_total",
  help: "Failed job attempts by queue and job name; final=true when no retry is left",
  labelNames: ["queue", "job", "final"] as const,
  registers: [registry],
});

export const reminderDeliveries = new Counter({
  name: "ntm_reminder_deliveries_total",
  help: "Reminder and webhook deliveries by channel (in_app, email, webhook) and outcome (sent, duplicate, failed, skipped)",
  labelNames: ["channel", "outcome"] as const,
  registers: [registry],
});

export type DeliveryChannelLabel = "in_app" | "email" | "webhook";
export type DeliveryOutcome = "sent" | "duplicate" | "failed" | "skipped";

/** Counts `n` deliveries on a channel (nothing when n is 0). */
export function countDelivery(channel: DeliveryChannelLabel, outcome: DeliveryOutcome, n = 1): void {
  if (n > 0) reminderDeliveries.inc({ channel, outcome }, n);
}

/** Job counts of one queue, as BullMQ's getJobCounts returns them. */
export type QueueCounter = () => Promise<Record<string, number>>;

const JOB_STATES = ["waiting", "delayed", "active", "failed"] as const;
const depthSources = new Map<string, QueueCounter>();
/** A scrape never waits on a Redis that does not answer for longer than this. */
const DEPTH_TIMEOUT_MS = 1000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export const queueDepth = new Gauge({
  name: "ntm_queue_jobs",
  help: "Jobs per queue and state (waiting, delayed, active, failed), read from Redis at each scrape",
  labelNames: ["queue", "state"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    await Promise.all(
      [...depthSources].map(async ([queue, count]) => {
        try {
          const counts = await within(count(), DEPTH_TIMEOUT_MS);
          for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
        } catch {
          queueScrapeErrors.inc({ queue });
        }
      }),
    );
  },
});

export const queueScrapeErrors = new Counter({
  name: "ntm_queue_scrape_errors_total",
  help: "Scrapes that could not read a queue's depth (Redis away or slow)",
  labelNames: ["queue"] as const,
  registers: [registry],
});

/**
 * Reports a queue's depth at each scrape (`count` is typically `() => queue.getJobCounts()`).
 * Returns the function that stops reporting it (a closed queue must not be asked).
 */
export function watchQueueDepth(queue: string, count: QueueCounter): () => void {
  depthSources.set(queue, count);
  return () => {
    if (depthSources.get(queue) === count) depthSources.delete(queue);
  };
}

let defaultsOn = false;
/** Node's process metrics (CPU, memory, event loop lag, handles), once per process. */
export function enableProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix: "ntm_" });
}
