/**
 * The real reminders worker (src/reminders/reminder-worker.ts) on a Redis server of this test's
 * own, so FLUSHALL empties it for real without touching the Redis other tests share. "Now" is a
 * FixedClock the test moves; a delayed job is promoted rather than waited for.
 */
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { Notification } from "../../src/notifications/notification.entity";
import { RECONCILE_REMINDERS } from "../../src/reminders/jobs/reconcile.job";
import {
  SEND_REMINDER,
  sendReminderJob,
  sendReminderJobId,
  type SendReminderPayload,
} from "../../src/reminders/jobs/send-reminder.job";
import {
  addReminderJob,
  createReminderQueue,
  RECONCILE_EVERY_MS,
  scheduleAssignmentReminders,
  upsertReconcileScheduler,
} from "../../src/reminders/reminder-queue";
import { type ReminderService, startReminderService } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import { createTestDb, type TestDb } from "../helpers/db";
import { type PrivateRedis, startPrivateRedis } from "./processes";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "./world";

describe("the reminders worker (real Redis of its own, real MariaDB)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let redis: PrivateRedis;
  let admin: Redis;
  let service: ReminderService;
  const deps = { clock: undefined as unknown as ReturnType<typeof reminderDeps>["clock"] };

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
    // Monday 30/1/2023, 07:30 in Asia/Ho_Chi_Minh.
    const d = reminderDeps(db.ds, "2023-01-30T00:30:00Z");
    deps.clock = d.clock;
    service = await startReminderService(d, {
      config: { redisUrl: redis.url, redisPrefix: db.config.redisPrefix },
      concurrency: 4,
      watchdogEveryMs: 100,
    });
    watchJobs();
  });

  afterAll(async () => {
    service.stopWatchdog();
    await service.queue.obliterate({ force: true });
    await service.close();
    await admin.quit();
    await redis.stop();
    await db.drop();
  });

  /** Job results as the worker reports them, by job id (one listener for all, set up once). */
  const results = new Map<string, { ok: boolean; value: unknown }>();
  function watchJobs() {
    service.worker.on("completed", (job: Job, value: unknown) => results.set(job.id!, { ok: true, value }));
    service.worker.on("failed", (job: Job | undefined, err: Error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
        results.set(job.id!, { ok: false, value: err });
    });
  }

  /** Resolves with the result of job `id` once the worker finished it (completed, or failed for good). */
  async function finished(id: string, timeoutMs = 10_000): Promise<unknown> {
    const r = await waitFor(`job ${id} to finish`, async () => results.get(id), timeoutMs);
    results.delete(id);
    if (!r.ok) throw r.value;
    return r.value;
  }

  it("registers the reconciler as a job scheduler every 5 minutes, once however often it starts", async () => {
    await upsertReconcileScheduler(service.queue);
    await upsertReconcileScheduler(service.queue);
    const schedulers = await service.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.name, s.every])).toEqual([
      [RECONCILE_REMINDERS, RECONCILE_REMINDERS, RECONCILE_EVERY_MS],
    ]);
  });

  it("re-derives one assignment after a change (scheduleAssignmentReminders); FLUSHALL before sending loses nothing; delivered once", async () => {
    const a = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" };
    const id = sendReminderJobId(p);

    // After the commit: one reconcile job for this assignment, run by the worker, queues before_1
    // for 08:00 local, 30 minutes ahead on the test clock.
    expect(await scheduleAssignmentReminders(service.queue, a.id)).toBe(true);
    const queued = await waitFor("the before_1 job", async () => service.queue.getJob(id));
    expect(await queued.getState()).toBe("delayed");
    expect(queued.delay).toBe(30 * 60 * 1000);
    expect(queued.data).toEqual(p);

    // Redis loses everything: the job and the scheduler.
    expect(await admin.flushall()).toBe("OK");
    expect(await service.queue.getJob(id)).toBeUndefined();
    // (The scheduler is gone too, but the 100 ms watchdog may already have put it back: not asserted.)

    // The worker notices the scheduler is gone, registers it again; its first run (right away)
    // re-derives everything from MariaDB.
    const restored = await waitFor("the restored before_1 job", async () => service.queue.getJob(id));
    expect(await restored.getState()).toBe("delayed");
    expect(restored.delay).toBe(30 * 60 * 1000);
    expect(await service.queue.getJobSchedulersCount()).toBe(1);
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({});

    // 08:00: the job runs.
    deps.clock.set(new Date("2023-01-30T01:00:00Z"));
    await restored.promote();
    expect(await finished(id)).toEqual({ status: "delivered", recipients: 2, newlyNotified: 2 });
    const [o1, o2] = world.assigneeOfficers;
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({ [o1.id]: ["before_1"], [o2.id]: ["before_1"] });

    // Queued again under its ID (the reconciler, a second producer): the finished job is kept for a
    // day, so nothing runs again; and the reconciler, knowing it was delivered, leaves it be.
    const finishedOn = (await service.queue.getJob(id))!.finishedOn;
    const replay = sendReminderJob(p, new Date("2023-01-30T01:00:00Z"), deps.clock.now());
    await service.queue.add(replay.name, replay.data, replay.opts);
    expect(await scheduleAssignmentReminders(service.queue, a.id)).toBe(true);
    await waitFor("the reconcile job to run", async () => {
      const c = await service.queue.getJobCounts("wait", "active");
      return c.wait + c.active === 0;
    });
    const kept = (await service.queue.getJob(id))!;
    expect([await kept.getState(), kept.finishedOn]).toEqual(["completed", finishedOn]);
    // Under another ID (a duplicate): it runs, and notifies no one twice.
    await service.queue.add(replay.name, replay.data, { ...replay.opts, jobId: `${id}-copy` });
    expect(await finished(`${id}-copy`)).toEqual({ status: "delivered", recipients: 2, newlyNotified: 0 });
    expect(await db.ds.getRepository(Notification).countBy({ link: toGlobalId("Task", a.taskId) })).toBe(2);
  });

  it("puts a job that runs before its rung's instant back to wait for it", async () => {
    const a = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" };
    const id = `${sendReminderJobId(p)}-early`;
    deps.clock.set(new Date("2023-01-30T00:00:00Z")); // 07:00 local, an hour early
    await addReminderJob(service.queue, SEND_REMINDER, p, { jobId: id });
    await waitFor("the job to wait again", async () => (await service.queue.getJob(id))?.isDelayed());
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({});
    deps.clock.set(new Date("2023-01-30T01:00:00Z"));
    await (await service.queue.getJob(id))!.promote();
    expect(await finished(id)).toEqual({ status: "delivered", recipients: 2, newlyNotified: 2 });
  });

  it("100 copies of one reminder under different job IDs (duplicates, replays) at concurrency 4: each person notified once", async () => {
    const a = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" };
    const ids = Array.from({ length: 100 }, (_, i) => `dup-${a.id}-${i}`);
    await service.queue.addBulk(ids.map((jobId) => ({ name: SEND_REMINDER, data: p, opts: { jobId } })));
    const done: Array<{ status: string; newlyNotified: number }> = [];
    for (const i of ids) done.push((await finished(i, 20_000)) as { status: string; newlyNotified: number });
    expect(done.every((r) => r.status === "delivered")).toBe(true);
    expect(done.reduce((n, r) => n + r.newlyNotified, 0)).toBe(2);
    expect(Object.values(await deliveriesByUser(db.ds, a.id))).toEqual([["before_1"], ["before_1"]]);
  });
  it("on close, lets the job in hand finish before it returns (graceful shutdown)", async () => {
    const a = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" };
    const config = { redisUrl: redis.url, redisPrefix: `${db.config.redisPrefix}-close` };
    const second = await startReminderService(reminderDeps(db.ds, "2023-01-30T01:00:00Z"), {
      config,
      concurrency: 1,
    });
    // Hold the assignment's row so the job blocks mid-delivery.
    const holder = db.ds.createQueryRunner();
    await holder.startTransaction();
    try {
      await holder.query("SELECT id FROM assignment WHERE id = ? FOR UPDATE", [a.id]);
      const job = sendReminderJob(p, new Date("2023-01-30T01:00:00Z"), new Date("2023-01-30T01:00:00Z"));
      await second.queue.add(job.name, job.data, job.opts);
      await waitFor("the job to be in hand", async () =>
        (await second.queue.getJob(job.opts.jobId!))?.isActive(),
      );
      let closed = false;
      const closing = second.close().then(() => {
        closed = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(closed).toBe(false);
      await holder.commitTransaction();
      await closing;
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
      await second.close();
    }
    const [o1, o2] = world.assigneeOfficers;
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({ [o1.id]: ["before_1"], [o2.id]: ["before_1"] });
    const leftover = createReminderQueue(config, "worker");
    await leftover.obliterate({ force: true });
    await leftover.close();
  });
});
