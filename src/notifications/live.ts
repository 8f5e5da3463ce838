/**
 * Live in-app notifications across processes, on Redis pub/sub. Whoever writes a notification (the
 * reminders worker, in its own process or inside the API's) publishes an event after its
 * transaction commits, on the channel `<REDIS_PREFIX>:live:notifications:<userId>`; every API
 * process with a subscriber for that user re-reads MariaDB and pushes to its sockets. Events carry
 * ids only. Pub/sub keeps nothing: an event published while no one listens is gone, and nothing is
 * lost with it (the `notifications` query reads the table).
 */
import { Redis } from "ioredis";
import type { Logger } from "../shared/logger";
import type { LiveEvent, LiveFeed, LiveNotificationHub } from "../shared/live";

export type { LiveEvent };

/** The pub/sub channel of one user's events under a Redis prefix. */
export function liveChannel(prefix: string, userId: number): string {
  return `${prefix}:live:notifications:${userId}`;
}

const CHANNEL_RE = /:live:notifications:(\d+)$/;

/** Parses a message; null when it is not one of ours (it is then ignored). */
export function parseLiveEvent(message: string): LiveEvent | null {
  try {
    const e = JSON.parse(message) as Partial<LiveEvent>;
    if (typeof e.userId !== "number") return null;
    if (e.type === "read") return { type: "read", userId: e.userId };
    if (e.type === "added" && typeof e.notificationId === "number")
      return { type: "added", userId: e.userId, notificationId: e.notificationId };
    return null;
  } catch {
    return null;
  }
}

/** PUBLISHes the events in one round trip; throws when Redis refuses. */
export async function publishLiveEvents(
  redis: Redis,
  prefix: string,
  events: readonly LiveEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  for (const e of events) pipeline.publish(liveChannel(prefix, e.userId), JSON.stringify(e));
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
}

/** A connection for publishing and subscribing: it waits (offline queue) rather than fail at start. */
function liveRedis(url: string, logger: Logger | undefined, what: string): Redis {
  const redis = new Redis(url, { connectTimeout: 5000, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on("error", (err) => logger?.warn({ err }, `live notifications: ${what} Redis connection error`));
  return redis;
}

export interface LivePublisher {
  /** Publishes after a commit; never throws (logs instead). */
  publish(events: readonly LiveEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** A publisher with a connection of its own, for a worker process. */
export function createLivePublisher(redisUrl: string, prefix: string, logger?: Logger): LivePublisher {
  let redis: Redis | null = null;
  return {
    async publish(events) {
      if (events.length === 0) return;
      redis ??= liveRedis(redisUrl, logger, "publisher");
      await publishLiveEvents(redis, prefix, events).catch((err: unknown) =>
        logger?.warn({ err, events: events.length }, "live notifications: could not publish"),
      );
    },
    async close() {
      const r = redis;
      redis = null;
      if (r) await r.quit().catch(() => r.disconnect());
    },
  };
}

/** Values a slow subscriber may have waiting before the oldest are dropped. */
export const MAX_BUFFERED = 100;

/** What the hub holds of a stream. */
interface Listener {
  accept(event: LiveEvent): void;
  return(): Promise<unknown>;
}

/**
 * One subscriber's stream: events are mapped one at a time, in order; `return()` ends it at once,
 * even while it waits (an async generator would wait for the next event to end).
 */
class FeedStream<T> implements AsyncIterableIterator<T>, Listener {
  private readonly buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private ended = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly feed: LiveFeed<T>,
    private readonly onEnd: () => void,
    private readonly logger: Logger | undefined,
  ) {}

  start(): void {
    if (this.feed.initial) this.enqueue(this.feed.initial);
  }

  accept(event: LiveEvent): void {
    this.enqueue(() => this.feed.map(event));
  }

  private enqueue(produce: () => Promise<T | undefined>): void {
    this.chain = this.chain
      .then(async () => {
        if (this.ended) return;
        const value = await produce();
        if (value !== undefined) this.push(value);
      })
      .catch((err: unknown) => this.logger?.warn({ err }, "live notifications: an event could not be read"));
  }

  private push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    this.buffer.push(value);
    if (this.buffer.length > MAX_BUFFERED) {
      this.buffer.shift();
      this.logger?.warn("live notifications: a slow subscriber lost its oldest event");
    }
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.ended) {
      this.ended = true;
      this.buffer.length = 0;
      this.onEnd();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

export interface RedisLiveHub extends LiveNotificationHub {
  /** Streams open in this process (for tests and metrics). */
  openStreams(): number;
  /** Ends every stream and closes the subscriber connection. */
  close(): Promise<void>;
}

/**
 * The hub of one API server: one subscriber connection (opened on the first subscription),
 * SUBSCRIBEd to a user's channel while at least one of their streams is open. Publishing uses the
 * server's shared connection.
 */
export function createLiveHub(opts: {
  redisUrl: string;
  prefix: string;
  /** The server's shared connection, for PUBLISH. */
  redis: Redis;
  logger?: Logger;
}): RedisLiveHub {
  const { prefix, logger } = opts;
  /** Open streams per user, and the SUBSCRIBE of that user's channel they wait for. */
  const users = new Map<number, { streams: Set<Listener>; listening: Promise<unknown> }>();
  let sub: Redis | null = null;
  let closed = false;

  const subscriber = (): Redis => {
    if (sub) return sub;
    sub = liveRedis(opts.redisUrl, logger, "subscriber");
    sub.on("message", (channel: string, message: string) => {
      const m = CHANNEL_RE.exec(channel);
      const event = parseLiveEvent(message);
      if (!m || !event || event.userId !== Number(m[1])) return;
      for (const s of users.get(event.userId)?.streams ?? []) s.accept(event);
    });
    return sub;
  };

  const release = (userId: number, stream: Listener) => {
    const user = users.get(userId);
    if (!user) return;
    user.streams.delete(stream);
    if (user.streams.size > 0) return;
    users.delete(userId);
    if (sub && !closed)
      sub.unsubscribe(liveChannel(prefix, userId)).catch((err: unknown) => {
        logger?.warn({ err }, "live notifications: could not unsubscribe");
      });
  };

  return {
    async subscribe<T>(userId: number, feed: LiveFeed<T>): Promise<AsyncIterableIterator<T>> {
      if (closed) throw new Error("live notifications are closed");
      const stream: FeedStream<T> = new FeedStream(feed, () => release(userId, stream), logger);
      let user = users.get(userId);
      if (!user) {
        user = { streams: new Set(), listening: subscriber().subscribe(liveChannel(prefix, userId)) };
        users.set(userId, user);
      }
      user.streams.add(stream);
      try {
        // Listening before the initial value is read, so no change falls between the two.
        await user.listening;
      } catch (err) {
        await stream.return();
        throw err;
      }
      stream.start();
      return stream;
    },
    async publish(events) {
      await publishLiveEvents(opts.redis, prefix, events).catch((err: unknown) =>
        logger?.warn({ err, events: events.length }, "live notifications: could not publish"),
      );
    },
    openStreams() {
      let n = 0;
      for (const user of users.values()) n += user.streams.size;
      return n;
    },
    async close() {
      if (closed) return;
      for (const user of [...users.values()]) for (const s of [...user.streams]) await s.return();
      closed = true;
      const s = sub;
      sub = null;
      if (s) await s.quit().catch(() => s.disconnect());
    },
  };
}
