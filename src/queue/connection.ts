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

/** Connects and pings once; throws a clear error when Redis does not answer. */
export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}
