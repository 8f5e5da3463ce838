import net from "node:net";
import { Redis } from "ioredis";

/** A Redis connection suitable for BullMQ (which needs maxRetriesPerRequest: null). */
export function createRedis(url: string, opts: { lazyConnect?: boolean; forBullMQ?: boolean } = {}): Redis {
  return new Redis(url, {
    lazyConnect: opts.lazyConnect ?? false,
    connectTimeout: 5000,
    maxRetriesPerRequest: opts.forBullMQ ? null : 2,
    enableOfflineQueue: opts.forBullMQ ?? false,
  });
}

/** Resolves when something accepts TCP connections on host:port; fails fast and leaves no timer behind. */
function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Runs `fn` on a short-lived connection that fails fast (no retries) and is always closed: for
 * start-up checks. The port is probed first, since ioredis keeps a timer alive for seconds after a
 * refused connection.
 */
export async function withShortLivedRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const u = new URL(url);
  await tcpProbe(u.hostname, u.port ? Number(u.port) : 6379, 3000);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** Connects and pings once; throws a clear error when Redis does not answer. */
export async function checkRedis(url: string): Promise<void> {
  await withShortLivedRedis(url, (redis) => redis.ping());
}
