/**
 * The BullMQ queues and how to connect to them. Every queue's keys start with REDIS_PREFIX
 * ("<prefix>:<queue>:…"), so several deployments or test runs share one Redis without meeting.
 */
import { Queue } from "bullmq";
import type { Config } from "../config/env";

/** Queue names (no ':' allowed). */
export const QUEUE_NAMES = {
  reminders: "reminders",
  rollup: "rollup",
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Plain ioredis options for BullMQ (STACK.md: pass options, not a spread RedisOptions). */
export interface BullConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  connectTimeout: number;
  /** How long a closing connection waits for the socket to close before destroying it (ioredis: 2 s). */
  disconnectTimeout: number;
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
}

/**
 * Connection options from REDIS_URL. A worker (and the queue it adds jobs with) waits out a Redis
 * restart: `maxRetriesPerRequest: null`, commands queued while offline. A producer inside an API
 * request must fail fast instead, so a down Redis never hangs a mutation.
 */
export function bullConnection(redisUrl: string, role: "worker" | "producer"): BullConnectionOptions {
  const u = new URL(redisUrl);
  const db = u.pathname.replace(/^\//, "");
  const opts: BullConnectionOptions = {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    connectTimeout: 5000,
    // A socket to a Redis that never answered would otherwise keep the process alive 2 s after close.
    disconnectTimeout: 500,
    maxRetriesPerRequest: role === "worker" ? null : 1,
    enableOfflineQueue: role === "worker",
  };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  if (/^\d+$/.test(db)) opts.db = Number(db);
  if (u.protocol === "rediss:") opts.tls = {};
  return opts;
}

/** The key prefix of every queue: REDIS_PREFIX. */
export function queuePrefix(config: Pick<Config, "redisPrefix">): string {
  return config.redisPrefix;
}

/**
 * Opens one of our queues under the configured prefix. `worker`: rides out Redis restarts (the
 * worker process); `producer`: fails fast (inside an API request). Queue errors are reported by
 * the command that failed, so the queue's own error event only keeps a lost connection from
 * crashing the process.
 */
export function openQueue<Data, Name extends string>(
  name: string,
  config: Pick<Config, "redisUrl" | "redisPrefix">,
  role: "worker" | "producer",
): Queue<Data, unknown, Name> {
  const queue = new Queue<Data, unknown, Name>(name, {
    connection: bullConnection(config.redisUrl, role),
    prefix: queuePrefix(config),
  });
  queue.on("error", () => {});
  return queue;
}
