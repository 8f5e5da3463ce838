/**
 * Live notifications over graphql-ws against the real server (startTestApp), with the real
 * reminders worker delivering in-app reminders. The worker publishes on a Redis connection of its
 * own and the API only hears Redis, so every event here crossed Redis pub/sub.
 */
import type { Job } from "bullmq";
import { type Client, createClient } from "graphql-ws";
import { WebSocket } from "ws";
import type { User } from "../../src/auth/user.entity";
import { LIVE_LIMITS } from "../../src/app/subscriptions";
import { withTransaction } from "../../src/db/transaction";
import { createLivePublisher, type LivePublisher, liveChannel } from "../../src/notifications/live";
import { insertNotification } from "../../src/notifications/notification.store";
import {
  SEND_REMINDER,
  sendReminderJob,
  type SendReminderPayload,
} from "../../src/reminders/jobs/send-reminder.job";
import { createReminderQueue, type ReminderQueue } from "../../src/reminders/reminder-queue";
import { createReminderWorker, type ReminderWorker } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import { startTestApp, type TestApp } from "../helpers/server";
import { runWorkerEntry } from "../reminders/processes";
import { makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "../reminders/world";

interface Note {
  id: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}
type Payload = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
};

const ADDED = "subscription { notificationAdded { id title body link readAt createdAt } }";
const COUNT = "subscription { unreadNotificationCount }";
// Monday 30/1/2023, 08:00 in Asia/Ho_Chi_Minh: the before_1 rung of a task due Tuesday 31/1.
const NOW = "2023-01-30T01:00:00Z";

/** One subscription's values, in order, as the client received them. */
class Stream {
  readonly values: Payload[] = [];
  error: unknown = null;
  completed = false;
  private taken = 0;
  /** `socketClosed`: the close events of the socket the stream runs on. */
  constructor(
    readonly dispose: () => void,
    readonly socketClosed: ReadonlyArray<{ code: number; reason: string }> = [],
  ) {}

  /** Throws when the stream can no longer deliver: it failed, ended, or its socket closed. */
  assertAlive(): void {
    if (this.error)
      throw this.error instanceof Error
        ? this.error
        : new Error(`stream failed: ${JSON.stringify(this.error)}`);
    if (this.completed) throw new Error("the stream ended");
    const closed = this.socketClosed[0];
    if (closed) throw new Error(`the socket closed: ${closed.code} ${closed.reason}`);
  }

  /** The next value not yet taken (waits for it). */
  async next(what: string): Promise<Payload> {
    const v = await waitFor(what, async () => {
      if (this.error) throw this.error instanceof Error ? this.error : new Error(JSON.stringify(this.error));
      return this.values[this.taken];
    });
    this.taken += 1;
    return v;
  }

  /** Resolves with the errors the server answered the subscription with, once it ended. */
  async ended(): Promise<unknown> {
    await waitFor("the subscription to end", async () => this.completed || this.error !== null);
    return this.error;
  }
}

describe("live notifications (graphql-ws at /graphql, real worker, Redis pub/sub)", () => {
  let app: TestApp;
  let world: ReminderWorld;
  let queue: ReminderQueue;
  let worker: ReminderWorker;
  let workerPublisher: LivePublisher;
  let testPublisher: LivePublisher;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(NOW) });
    await seedCalendar(app.db.ds);
    world = await makeReminderWorld(app.db.ds);
    const config = { redisUrl: app.db.config.redisUrl, redisPrefix: app.db.config.redisPrefix };
    workerPublisher = createLivePublisher(config.redisUrl, config.redisPrefix);
    testPublisher = createLivePublisher(config.redisUrl, config.redisPrefix);
    queue = createReminderQueue(config, "worker");
    worker = createReminderWorker(
      { ...reminderDeps(app.db.ds, NOW), live: (events) => workerPublisher.publish(events) },
      { config, concurrency: 2, queue },
    );
    await worker.waitUntilReady();
  }, 120_000); // a database, the calendar and a worker: slow on a busy machine

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await workerPublisher.close();
    await testPublisher.close();
    await app.close();
  });

  const wsUrl = () => `${app.url.replace(/^http/, "ws")}/graphql`;

  /** A graphql-ws client that never retries; `closed` gets the close event when the server ends it. */
  function connect(authorization: string | null) {
    const closed: Array<{ code: number; reason: string }> = [];
    let connected = false;
    const client = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      shouldRetry: () => false,
      connectionParams: authorization === null ? {} : { authorization },
      on: {
        connected: () => {
          connected = true;
        },
        closed: (e) => {
          const ev = e as { code: number; reason: string };
          closed.push({ code: ev.code, reason: String(ev.reason) });
        },
      },
      onNonLazyError: () => {},
    });
    clients.push(client);
    return {
      client,
      closed,
      isConnected: () => connected,
      /** Resolves with the close code once the server closed the socket. */
      closeCode: () => waitFor("the socket to close", async () => closed[0]),
      subscribe(query: string, variables?: Record<string, unknown>): Stream {
        const s: Stream = new Stream(() => dispose(), closed);
        const dispose = client.subscribe(
          { query, variables },
          {
            next: (v) => s.values.push(v as Payload),
            error: (e) => {
              s.error = e;
            },
            complete: () => {
              s.completed = true;
            },
          },
        );
        return s;
      },
    };
  }

  const bearer = async (user: User) => `Bearer ${await app.tokenFor(user)}`;

  /**
   * Resolves once `n` subscriber connections listen on the user's channel (SUBSCRIBE done). Fails at
   * once, with the reason, when one of `streams` failed or its socket closed (rather than time out).
   */
  const listening = (user: User, n = 1, ...streams: Stream[]) =>
    waitFor(
      `${n} listener(s) for user ${user.id}`,
      async () => {
        for (const s of streams) s.assertAlive();
        const [, count] = (await app.redis.pubsub(
          "NUMSUB",
          liveChannel(app.db.config.redisPrefix, user.id),
        )) as [string, number];
        return Number(count) >= n;
      },
      // The first socket of the file also loads the WebSocket server's modules: slow on a busy machine.
      30_000,
    );

  /** The real worker delivers the before_1 reminder of a new assignment due 31/1/2023; resolves with its result. */
  async function deliverReminder(
    jobSuffix = "",
  ): Promise<{ assignmentId: number; taskId: number; result: unknown }> {
    const a = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" };
    return runJob(p, a.taskId, jobSuffix);
  }

  async function runJob(p: SendReminderPayload, taskId: number, jobSuffix: string) {
    const job = sendReminderJob(p, new Date(NOW), new Date(NOW));
    const jobId = `${job.opts.jobId}${jobSuffix}`;
    const result = new Promise<unknown>((resolve, reject) => {
      const onDone = (j: Job, value: unknown) => {
        if (j.id !== jobId) return;
        worker.off("completed", onDone);
        resolve(value);
      };
      worker.on("completed", onDone);
      worker.once("failed", (j, err) => {
        if (j?.id === jobId) reject(err);
      });
    });
    await queue.add(SEND_REMINDER, job.data, { ...job.opts, jobId });
    return { assignmentId: p.assignmentId, taskId, result: await result };
  }

  /** A notification of the user's own written and published outside the reminders (a marker). */
  async function marker(user: User, title: string): Promise<string> {
    const id = await withTransaction(app.db.ds, async ({ manager, afterCommit }) => {
      const nid = await insertNotification(manager, {
        userId: user.id,
        kind: "test.marker",
        title,
        body: title,
        link: null,
      });
      afterCommit(() => testPublisher.publish([{ type: "added", userId: user.id, notificationId: nid }]));
      return nid;
    });
    return toGlobalId("Notification", id);
  }

  it("the assignee gets notificationAdded once, with the query's fields; someone else gets nothing", async () => {
    const [officer] = world.assigneeOfficers;
    const mine = connect(await bearer(officer));
    const added = mine.subscribe(ADDED);
    const other = connect(await bearer(world.foreignCoordinator));
    const theirs = other.subscribe(ADDED);
    await listening(officer, 1, added);
    await listening(world.foreignCoordinator, 1, theirs);

    const { taskId, assignmentId, result } = await deliverReminder();
    expect(result).toEqual({ status: "delivered", recipients: 2, newlyNotified: 2 });
    const first = await added.next("the new notification");
    expect(first.errors).toBeUndefined();
    const note = (first.data as { notificationAdded: Note }).notificationAdded;
    const [row] = await app.db.ds.query(
      "SELECT n.id FROM notification n JOIN reminder_delivery d ON d.notification_id = n.id WHERE d.assignment_id = ? AND n.user_id = ?",
      [assignmentId, officer.id],
    );
    expect(note).toEqual({
      id: toGlobalId("Notification", Number(row.id)),
      title: expect.stringContaining("Cứng hóa đường trục thôn"),
      body: expect.any(String),
      link: toGlobalId("Task", taskId),
      readAt: null,
      createdAt: expect.any(String),
    });
    // The same as the notifications query says.
    const listed = await app.gqlAs<{ notifications: { nodes: Note[] } }>(
      await app.tokenFor(officer),
      "{ notifications(first: 1) { nodes { id title body link readAt createdAt } } }",
    );
    expect(listed.data!.notifications.nodes[0]).toEqual(note);

    // The same reminder again under another job id (a duplicate): nobody is notified twice, so
    // the next thing the officer hears is a later notification.
    const again = await runJob({ assignmentId, kind: "before_1", dueDate: "2023-01-31" }, taskId, "-again");
    expect(again.result).toEqual({ status: "delivered", recipients: 2, newlyNotified: 0 });
    const later = await marker(officer, "Sau đó");
    expect(((await added.next("the marker")).data as { notificationAdded: Note }).notificationAdded.id).toBe(
      later,
    );

    // The foreign coordinator heard nothing of it: the first thing they get is their own marker.
    const theirMarker = await marker(world.foreignCoordinator, "Của người khác");
    expect(
      ((await theirs.next("their marker")).data as { notificationAdded: Note }).notificationAdded.id,
    ).toBe(theirMarker);
    expect(theirs.values).toHaveLength(1);
    expect(added.values).toHaveLength(2);
  });

  it("an event naming someone else's notification pushes nothing (each stream re-reads its own rows)", async () => {
    const [officer, colleague] = world.assigneeOfficers;
    const mine = connect(await bearer(colleague));
    const added = mine.subscribe(ADDED);
    await listening(colleague, 1, added);
    const id = await withTransaction(app.db.ds, ({ manager }) =>
      insertNotification(manager, {
        userId: officer.id,
        kind: "test.marker",
        title: "x",
        body: "x",
        link: null,
      }),
    );
    // A forged event on the colleague's channel about the officer's notification.
    await testPublisher.publish([{ type: "added", userId: colleague.id, notificationId: id }]);
    const own = await marker(colleague, "Của tôi");
    expect(((await added.next("their own")).data as { notificationAdded: Note }).notificationAdded.id).toBe(
      own,
    );
    expect(added.values).toHaveLength(1);
  });

  it("stops listening on a user's channel once their last stream ends", async () => {
    const user = world.assigneeViewer;
    const channel = liveChannel(app.db.config.redisPrefix, user.id);
    const live = connect(await bearer(user));
    const a = live.subscribe(ADDED);
    const b = live.subscribe(COUNT);
    await b.next("the current count");
    await listening(user, 1, a, b);
    a.dispose();
    b.dispose();
    await waitFor("no listener left", async () => {
      const [, n] = (await app.redis.pubsub("NUMSUB", channel)) as [string, number];
      return Number(n) === 0;
    });
  });

  it("unreadNotificationCount: the current count, then +1 when the worker delivers, then down after markNotificationsRead", async () => {
    const officer = world.assigneeOfficers[1];
    const token = await app.tokenFor(officer);
    const [{ n }] = await app.db.ds.query(
      "SELECT COUNT(*) AS n FROM notification WHERE user_id = ? AND read_at IS NULL",
      [officer.id],
    );
    const live = connect(`Bearer ${token}`);
    const counts = live.subscribe(COUNT);
    expect(await counts.next("the current count")).toEqual({ data: { unreadNotificationCount: Number(n) } });

    await deliverReminder();
    expect(await counts.next("the count after delivery")).toEqual({
      data: { unreadNotificationCount: Number(n) + 1 },
    });

    const list = await app.gqlAs<{ notifications: { nodes: Array<{ id: string }> } }>(
      token,
      "{ notifications(first: 100, unreadOnly: true) { nodes { id } } }",
    );
    const ids = list.data!.notifications.nodes.map((x) => x.id);
    expect(ids).toHaveLength(Number(n) + 1);
    const marked = await app.gqlAs(
      token,
      "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { userErrors { code } } }",
      { ids: ids.slice(0, 1) },
    );
    expect(marked.data).toEqual({ markNotificationsRead: { userErrors: [] } });
    expect(await counts.next("the count after marking one read")).toEqual({
      data: { unreadNotificationCount: Number(n) },
    });
    // Marking the same one again changes nothing: no push; the next push is the next real change.
    await app.gqlAs(
      token,
      "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { userErrors { code } } }",
      {
        ids: ids.slice(0, 1),
      },
    );
    await marker(officer, "Mới");
    expect(await counts.next("the count after a new one")).toEqual({
      data: { unreadNotificationCount: Number(n) + 1 },
    });
    expect(counts.values).toHaveLength(4);
  });

  it("refuses a socket without a valid token, with close code 4401, before any operation", async () => {
    const [officer] = world.assigneeOfficers;
    const missing = connect(null);
    expect((await missing.closeCode()).code).toBe(4401);

    const garbage = connect("Bearer not.a.token-at-all");
    expect((await garbage.closeCode()).code).toBe(4401);

    const notBearer = connect(await app.tokenFor(officer)); // no "Bearer "
    expect((await notBearer.closeCode()).code).toBe(4401);

    const disabled = connect(await bearer(world.disabledOfficer));
    expect(await disabled.closeCode()).toEqual({ code: 4401, reason: "This account is disabled" });

    // A token of a session that was logged out.
    const token = await bearer(officer);
    await app.db.ds.query("UPDATE refresh_token SET revoked_at = ? WHERE user_id = ?", [
      app.clock.now(),
      officer.id,
    ]);
    const loggedOut = connect(token);
    expect(await loggedOut.closeCode()).toEqual({
      code: 4401,
      reason: "The session has ended; sign in again",
    });

    // An expired token.
    const old = await bearer(world.assigneeOfficers[1]);
    const at = app.clock.now();
    app.clock.set(new Date(at.getTime() + (app.db.config.auth.accessTtlSeconds + 60) * 1000));
    try {
      const expired = connect(old);
      expect(await expired.closeCode()).toEqual({
        code: 4401,
        reason: "The access token is invalid or expired",
      });
    } finally {
      app.clock.set(at);
    }
    for (const c of [missing, garbage, notBearer, disabled, loggedOut]) expect(c.isConnected()).toBe(false);
  });

  it("ends the socket with 4401 when its token expires", async () => {
    const officer = world.assigneeOfficers[1];
    const token = await bearer(officer);
    const at = app.clock.now();
    // The server's clock says the token has one second left.
    app.clock.set(new Date(at.getTime() + (app.db.config.auth.accessTtlSeconds - 1) * 1000));
    try {
      const live = connect(token);
      const counts = live.subscribe(COUNT);
      await counts.next("the current count");
      expect(live.isConnected()).toBe(true);
      expect(await live.closeCode()).toEqual({ code: 4401, reason: "The access token expired" });
    } finally {
      app.clock.set(at);
    }
  });

  it("applies the HTTP limits to documents, serves only subscriptions, and masks errors", async () => {
    const live = connect(await bearer(world.coordinator));
    const codes = async (query: string, variables?: Record<string, unknown>) => {
      const s = live.subscribe(query, variables);
      const err = (await s.ended()) as Array<{ message: string; extensions?: { code?: string } }> | null;
      if (err) return err.map((e) => [e.extensions?.code, e.message]);
      return (s.values[0]?.errors ?? []).map((e) => [e.extensions?.code, e.message]);
    };

    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: title`).join(" ");
    expect(await codes(`subscription { notificationAdded { ${aliases} } }`)).toEqual([
      ["GRAPHQL_VALIDATION_FAILED", expect.stringMatching(/aliases/i)],
    ]);
    const tokens = Array.from({ length: 2100 }, () => "title").join(" ");
    expect(await codes(`subscription { notificationAdded { ${tokens} } }`)).toEqual([
      ["GRAPHQL_PARSE_FAILED", expect.stringMatching(/tokens/i)],
    ]);
    expect(await codes("subscription { notificationAdded { nope } }")).toEqual([
      ["GRAPHQL_VALIDATION_FAILED", expect.stringContaining("nope")],
    ]);
    expect(await codes("subscription { notificationAdded { id } unreadNotificationCount }")).toEqual([
      ["GRAPHQL_VALIDATION_FAILED", "Anonymous Subscription must select only one top level field."],
    ]);
    expect(await codes("{ unreadNotificationCount }")).toEqual([
      ["BAD_REQUEST", expect.stringMatching(/^Only subscriptions are served over WebSocket/)],
    ]);
    expect(await codes("subscription ($x: Int!) { unreadNotificationCount }", { x: "no" })).toEqual([
      ["GRAPHQL_VALIDATION_FAILED", 'Variable "$x" is never used.'],
    ]);
    // The socket survived every refusal.
    const counts = live.subscribe(COUNT);
    expect((await counts.next("a count")).data).toEqual({ unreadNotificationCount: expect.any(Number) });
  });

  it("limits subscriptions per connection and connections per user (4403)", async () => {
    const user = world.assignerOfficer;
    const first = connect(await bearer(user));
    const streams = Array.from({ length: LIVE_LIMITS.subscriptionsPerConnection }, () =>
      first.subscribe(COUNT),
    );
    for (const s of streams) await s.next("a count");
    const over = first.subscribe(COUNT);
    expect(await over.ended()).toEqual([
      expect.objectContaining({
        message: `Too many subscriptions on this connection (at most ${LIVE_LIMITS.subscriptionsPerConnection})`,
        extensions: { code: "BAD_REQUEST" },
      }),
    ]);
    // Ending one makes room for another.
    streams[0].dispose();
    await waitFor("room for one more", async () => {
      const s = first.subscribe(COUNT);
      const got = await Promise.race([s.next("a count").then(() => true), s.ended().then(() => false)]);
      if (!got) return false;
      return true;
    });

    const more = [first];
    for (let i = 1; i < LIVE_LIMITS.connectionsPerUser; i++) {
      const c = connect(await bearer(user));
      await c.subscribe(COUNT).next("a count");
      more.push(c);
    }
    const tooMany = connect(await bearer(user));
    expect(await tooMany.closeCode()).toEqual({
      code: 4403,
      reason: `Too many live connections (at most ${LIVE_LIMITS.connectionsPerUser} per user)`,
    });
    // Someone else is not counted against this user.
    const someoneElse = connect(await bearer(world.coordinator));
    await someoneElse.subscribe(COUNT).next("a count");
  });

  it("refuses a subscription over HTTP, and other paths do not upgrade", async () => {
    const res = await app.gqlAs(await app.tokenFor(world.coordinator), COUNT);
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toEqual([
      {
        message: "Subscriptions are served over WebSocket (graphql-ws) at /graphql",
        extensions: { code: "BAD_REQUEST" },
      },
    ]);

    const ws = new WebSocket(`${app.url.replace(/^http/, "ws")}/elsewhere`, "graphql-transport-ws");
    const failed = await new Promise<string>((resolve) => {
      ws.on("unexpected-response", (_req, r) => resolve(String(r.statusCode)));
      ws.on("error", (e) => resolve(e.message));
    });
    expect(failed).toBe("404");
    ws.terminate();
  });

  it("crosses processes: a worker in a child process delivers, this API process pushes", async () => {
    const [officer] = world.assigneeOfficers;
    const live = connect(await bearer(officer));
    const added = live.subscribe(ADDED);
    await listening(officer, 1, added);
    // The in-process worker steps aside; the child (the same worker code, its own Redis and
    // MariaDB connections, its clock fixed at NOW) takes the job.
    await worker.pause();
    const child = runWorkerEntry(
      {
        DATABASE_URL: app.db.config.databaseUrl,
        REDIS_URL: app.db.config.redisUrl,
        REDIS_PREFIX: app.db.config.redisPrefix,
        NODE_ENV: "test",
        LIVE_NOW: NOW,
      },
      "test/notifications/live-worker.child.ts",
    );
    try {
      await child.waitForOutput("live worker ready", 90_000);
      const a = await world.assignment("2023-01-31");
      const job = sendReminderJob(
        { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" },
        new Date(NOW),
        new Date(NOW),
      );
      await queue.add(SEND_REMINDER, job.data, { ...job.opts, jobId: `${job.opts.jobId}-child` });
      const got = (await added.next("the notification from the child")).data as { notificationAdded: Note };
      const [row] = await app.db.ds.query(
        "SELECT n.id FROM notification n JOIN reminder_delivery d ON d.notification_id = n.id WHERE d.assignment_id = ? AND n.user_id = ?",
        [a.id, officer.id],
      );
      expect(got.notificationAdded.id).toBe(toGlobalId("Notification", Number(row.id)));
      expect(got.notificationAdded.link).toBe(toGlobalId("Task", a.taskId));
    } finally {
      child.child.kill("SIGTERM");
      await child.exited;
      worker.resume();
    }
  }, 180_000);

  it("closes open sockets when the server stops (1001) and stops listening on Redis", async () => {
    const other = await startTestApp({ now: new Date(NOW) });
    const channel = liveChannel(other.db.config.redisPrefix, other.admin.id);
    const closed: number[] = [];
    const client = createClient({
      url: `${other.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      shouldRetry: () => false,
      connectionParams: { authorization: `Bearer ${await other.tokenFor(other.admin)}` },
      on: { closed: (e) => closed.push((e as { code: number }).code) },
      onNonLazyError: () => {},
    });
    try {
      const values: unknown[] = [];
      client.subscribe(
        { query: COUNT },
        { next: (v) => values.push(v), error: () => {}, complete: () => {} },
      );
      await waitFor("a count", async () => values.length > 0);
      expect(await app.redis.pubsub("NUMSUB", channel)).toEqual([channel, 1]);
    } finally {
      await other.close();
    }
    expect(closed).toEqual([1001]);
    expect(await app.redis.pubsub("NUMSUB", channel)).toEqual([channel, 0]);
    await client.dispose();
  }, 120_000);
});
