/**
 * Batched reminders (send-reminders) against the real MariaDB and Redis: a batch gives every
 * reminder in it the outcome it would get alone, delivers each once however many batches carry
 * it and however often they run, runs in a number of statements that does not grow with its
 * size, and is what the reconciler puts on the queue for reminders sharing an instant.
 */
import { type Job, Worker } from "bullmq";
import { Notification } from "../../src/notifications/notification.entity";
import { bullConnection, QUEUE_NAMES, queuePrefix } from "../../src/queue/queues";
import { handleReconcile, type SendJob } from "../../src/reminders/jobs/reconcile.job";
import {
  sendReminderJob,
  sendReminderJobId,
  type SendReminderPayload,
} from "../../src/reminders/jobs/send-reminder.job";
import {
  handleSendReminders,
  packSendJobs,
  remindersOf,
  REMINDER_BATCH_SIZE,
  SEND_REMINDERS,
  sendRemindersJob,
  type SendRemindersPayload,
  type SendRemindersSummary,
} from "../../src/reminders/jobs/send-reminders.job";
import type { ReminderDeps } from "../../src/reminders/reminder-deps";
import {
  createReminderQueue,
  enqueueOn,
  type ReminderJobData,
  type ReminderJobName,
  type ReminderQueue,
} from "../../src/reminders/reminder-queue";
import { processReminderJob } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import { ReportingPeriod, ReportingPeriodKind } from "../../src/workflow/report.entity";
import { createTestDb, type TestDb } from "../helpers/db";
import { startSmtpCapture, type SmtpCapture } from "./smtp-capture";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "./world";

/** Tuesday 31/01/2023: due_today fires at 08:00 local (01:00 UTC), before_1 the day before. */
const DUE = "2023-01-31";
const FIRE_AT = "2023-01-31T01:00:00.000Z";
const BEFORE_1_AT = "2023-01-30T01:00:00.000Z";

jest.setTimeout(60_000);

describe("batched reminders (send-reminders: MariaDB, Redis, real workers)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let queue: ReminderQueue;

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    queue = createReminderQueue(db.config, "worker");
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await db.drop();
  });

  // Each test starts from a world where no earlier work is still running (the reconciler reads all).
  afterEach(async () => {
    await db.ds.query("UPDATE assignment SET status = ?", [AssignmentStatus.APPROVED]);
    await queue.obliterate({ force: true });
  });

  const dueToday = (assignmentId: number): SendReminderPayload => ({
    assignmentId,
    kind: "due_today",
    dueDate: DUE,
  });

  async function assignments(n: number, dueDate: string | null = DUE): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await world.assignment(dueDate)).id);
    return ids;
  }

  async function inAppRows(ids: readonly number[]): Promise<number> {
    const [{ c }] = await db.ds.query(
      `SELECT COUNT(*) AS c FROM reminder_delivery WHERE channel = 'in_app' AND assignment_id IN (${ids
        .map(() => "?")
        .join(", ")})`,
      [...ids],
    );
    return Number(c);
  }

  it("a mixed batch: moved, done, cancelled, gone, not in the ladder, stale, early, invalid are skipped as alone; the rest delivered once", async () => {
    const [ok1, ok2, ok3, moved, done, cancelled, notInLadder, stale, early] = await assignments(9);
    await db.ds.query("UPDATE assignment SET due_date = '2023-02-07', version = version + 1 WHERE id = ?", [
      moved,
    ]);
    await db.ds.query("UPDATE assignment SET status = ? WHERE id = ?", [AssignmentStatus.APPROVED, done]);
    await db.ds.query("UPDATE assignment SET status = ? WHERE id = ?", [
      AssignmentStatus.CANCELLED,
      cancelled,
    ]);
    const batch: SendReminderPayload[] = [
      dueToday(ok1),
      dueToday(moved),
      dueToday(done),
      dueToday(cancelled),
      { assignmentId: notInLadder, kind: "before_5", dueDate: DUE },
      { assignmentId: stale, kind: "before_7", dueDate: DUE },
      { assignmentId: early, kind: "overdue_2", dueDate: DUE },
      dueToday(999_999),
      { assignmentId: ok2, kind: "nonsense" as "due_today", dueDate: DUE },
      dueToday(ok2),
      dueToday(ok3),
      dueToday(ok1), // listed twice: runs once
    ];
    const expected = [
      { status: "delivered", recipients: 2, newlyNotified: 2 },
      { status: "skipped", reason: "deadline_moved" },
      { status: "skipped", reason: "not_remindable" },
      { status: "skipped", reason: "not_remindable" },
      { status: "skipped", reason: "not_in_ladder" },
      { status: "skipped", reason: "stale" },
      { status: "early", fireAt: "2023-02-02T01:00:00.000Z" },
      { status: "skipped", reason: "gone" },
      { status: "skipped", reason: "invalid_payload" },
      { status: "delivered", recipients: 2, newlyNotified: 2 },
      { status: "delivered", recipients: 2, newlyNotified: 2 },
      { status: "delivered", recipients: 2, newlyNotified: 2 },
    ];
    const deps = reminderDeps(db.ds, FIRE_AT);
    expect(await handleSendReminders(deps, batch, new Date(FIRE_AT))).toEqual(expected);
    // Run again (a retry, a duplicate): the same outcomes, nobody notified twice.
    expect(await handleSendReminders(deps, batch, new Date(FIRE_AT))).toEqual(
      expected.map((e) => (e.status === "delivered" ? { ...e, newlyNotified: 0 } : e)),
    );
    const [o1, o2] = world.assigneeOfficers;
    for (const id of [ok1, ok2, ok3])
      expect(await deliveriesByUser(db.ds, id)).toEqual({ [o1.id]: ["due_today"], [o2.id]: ["due_today"] });
    for (const id of [moved, done, cancelled, notInLadder, stale, early])
      expect(await deliveriesByUser(db.ds, id)).toEqual({});
    const notes = await db.ds
      .getRepository(Notification)
      .findBy({ userId: o1.id, kind: "reminder.due_today" });
    expect(notes).toHaveLength(3);
    expect(notes.map((n) => n.title)).toEqual(Array(3).fill("Đến hạn hôm nay: Cứng hóa đường trục thôn"));
  });

  it("runs a batch in the same few statements whatever its size (set-based), escalation included", async () => {
    const small = await assignments(4);
    const large = await assignments(40);
    const run = async (ids: number[], kind: "due_today" | "escalation", at: string) => {
      db.sql.reset();
      const results = await handleSendReminders(
        reminderDeps(db.ds, at),
        ids.map((assignmentId) => ({ assignmentId, kind, dueDate: DUE })),
        new Date(at),
      );
      expect(results.every((r) => r.status === "delivered")).toBe(true);
      return db.sql.count;
    };
    const statements = await run(small, "due_today", FIRE_AT);
    expect(await run(large, "due_today", FIRE_AT)).toBe(statements);
    // Subjects, calendar, ladders, BEGIN, the locked re-check, recipients, deliveries,
    // notifications, their link, COMMIT.
    expect(statements).toBe(10);
    // Escalation (Friday 3/2) goes to two audiences, the assigner's members and the coordinators.
    const escalationAt = "2023-02-03T01:00:00.000Z";
    expect(await run(small, "escalation", escalationAt)).toBe(await run(large, "escalation", escalationAt));
    expect(await deliveriesByUser(db.ds, large[0])).toEqual({
      [world.assigneeOfficers[0].id]: ["due_today"],
      [world.assigneeOfficers[1].id]: ["due_today"],
      [world.assignerOfficer.id]: ["escalation"],
      [world.coordinator.id]: ["escalation"],
    });
  });

  it("packs the reconciler's output into batches per instant with deterministic ids; running it again adds nothing", async () => {
    const ids = await assignments(5, "2023-03-31");
    const reconcile = async (now: string) => {
      const handed: SendJob[] = [];
      const enqueue = enqueueOn(queue);
      await handleReconcile(
        reminderDeps(db.ds, now),
        {},
        async (jobs) => {
          handed.push(...jobs);
          await enqueue(jobs);
        },
        new Date(now),
      );
      return handed;
    };
    // Thursday 30/3 03:00 local: before_1 (Thursday 08:00) and due_today (Friday 08:00) are in the window.
    const handed = await reconcile("2023-03-29T20:00:00Z");
    expect(handed).toHaveLength(10);
    const jobs = async () =>
      (await queue.getJobs(["delayed", "waiting"]))
        .map((j) => ({ id: j.id, name: j.name, data: j.data, delay: j.delay }))
        .sort((a, b) => a.id!.localeCompare(b.id!));
    const queued = await jobs();
    expect(queued.map((j) => [j.name, j.data, j.delay])).toEqual([
      [
        SEND_REMINDERS,
        { groups: [{ kind: "before_1", dueDate: "2023-03-31", assignmentIds: ids }] },
        5 * 3600_000,
      ],
      [
        SEND_REMINDERS,
        { groups: [{ kind: "due_today", dueDate: "2023-03-31", assignmentIds: ids }] },
        29 * 3600_000,
      ],
    ]);
    expect(queued.map((j) => j.id!.slice(0, 21))).toEqual(["rems-20230330T010000Z", "rems-20230331T010000Z"]);
    expect(queued.every((j) => /^rems-\d{8}T\d{6}Z-[0-9a-f]{12}$/.test(j.id!))).toBe(true);

    // Five minutes later, as the scheduler runs it: the same batches, nothing new in Redis.
    await reconcile("2023-03-29T20:05:00Z");
    expect((await jobs()).map((j) => j.id)).toEqual(queued.map((j) => j.id));

    // Work done on one of them: its instant's members change, so a new batch (a new id) appears;
    // the old one still holds the closed work and will skip it.
    await db.ds.query("UPDATE assignment SET status = ? WHERE id = ?", [AssignmentStatus.APPROVED, ids[0]]);
    await reconcile("2023-03-29T20:10:00Z");
    const after = await jobs();
    expect(after).toHaveLength(4);
    expect(after.filter((j) => !queued.some((q) => q.id === j.id)).map((j) => j.data)).toEqual([
      { groups: [{ kind: "before_1", dueDate: "2023-03-31", assignmentIds: ids.slice(1) }] },
      { groups: [{ kind: "due_today", dueDate: "2023-03-31", assignmentIds: ids.slice(1) }] },
    ]);
  });

  it("packs by instant and key: chunks of at most 100 whatever the input order, a lone reminder stays a send-reminder job", () => {
    const now = new Date("2023-01-30T00:00:00Z");
    const fireAt = new Date(FIRE_AT);
    const at = (p: SendReminderPayload, t: Date): SendJob => ({ ...sendReminderJob(p, t, now), fireAt: t });
    const many = Array.from({ length: 250 }, (_, i) => at(dueToday(1000 + i), fireAt));
    const lone = at({ assignmentId: 7, kind: "before_1", dueDate: DUE }, new Date(BEFORE_1_AT));
    const shuffled = [...many].sort(
      (a, b) => ((a.data.assignmentId * 7919) % 251) - ((b.data.assignmentId * 7919) % 251),
    );
    const packed = packSendJobs([...many, lone, many[3]]);
    expect(packSendJobs([lone, ...shuffled]).map((j) => j.opts.jobId)).toEqual(
      packed.map((j) => j.opts.jobId),
    );
    expect(packed.map((j) => j.name)).toEqual([
      "send-reminder",
      SEND_REMINDERS,
      SEND_REMINDERS,
      SEND_REMINDERS,
    ]);
    expect(packed[0]).toEqual({ name: lone.name, data: lone.data, opts: lone.opts });
    expect(packed[0].opts.jobId).toBe(sendReminderJobId(lone.data));
    const sizes = packed.slice(1).map((j) => (j.data as SendRemindersPayload).groups[0].assignmentIds);
    expect(sizes.map((s) => s.length)).toEqual([REMINDER_BATCH_SIZE, REMINDER_BATCH_SIZE, 50]);
    expect(sizes.flat()).toEqual(many.map((j) => j.data.assignmentId));
    for (const j of packed.slice(1)) {
      expect(j.opts.delay).toBe(25 * 3600_000);
      expect(j.opts.jobId).not.toContain(":");
      expect(j.opts.jobId!.length).toBeLessThanOrEqual(34);
    }
    // The id names the instant and the members, not the order they came in.
    const two = [dueToday(5), dueToday(6)];
    expect(sendRemindersJob(two, fireAt, now).opts.jobId).toBe(
      sendRemindersJob([...two].reverse(), fireAt, now).opts.jobId,
    );
    expect(sendRemindersJob(two, fireAt, now).opts.jobId).not.toBe(
      sendRemindersJob([two[0]], fireAt, now).opts.jobId,
    );
    expect(sendRemindersJob(two, fireAt, now).opts.jobId).not.toBe(
      sendRemindersJob(two, new Date(BEFORE_1_AT), now).opts.jobId,
    );
  });

  it("a report reminder sharing the instant of deadline rungs shares their batch and runs through its own handler", async () => {
    const [a, b] = await assignments(2);
    // January's report is due the same day as the work: report_due_before_1 fires with before_1.
    await db.ds.getRepository(ReportingPeriod).insert({
      planId: world.plan.id,
      kind: ReportingPeriodKind.MONTHLY,
      periodStart: "2023-01-01",
      periodEnd: "2023-01-31",
      dueDate: DUE,
    });
    const handed: SendJob[] = [];
    await handleReconcile(
      reminderDeps(db.ds, "2023-01-29T20:00:00Z"),
      {},
      async (jobs) => {
        handed.push(...jobs);
      },
      new Date("2023-01-29T20:00:00Z"),
    );
    const batch = packSendJobs(handed).find((j) => j.opts.jobId!.startsWith("rems-20230130T010000Z-"))!;
    expect(batch.data).toEqual({
      groups: [
        { kind: "before_1", dueDate: DUE, assignmentIds: [a, b] },
        { kind: "report_due_before_1", dueDate: DUE, assignmentIds: [a, b] },
      ],
    });
    const results = await handleSendReminders(
      reminderDeps(db.ds, BEFORE_1_AT),
      remindersOf(batch.data as SendRemindersPayload),
      new Date(BEFORE_1_AT),
    );
    expect(results).toEqual(Array(4).fill({ status: "delivered", recipients: 2, newlyNotified: 2 }));
    const [o1, o2] = world.assigneeOfficers;
    for (const id of [a, b])
      expect(await deliveriesByUser(db.ds, id)).toEqual({
        [o1.id]: ["before_1", "report_due_before_1"],
        [o2.id]: ["before_1", "report_due_before_1"],
      });
    await db.ds.getRepository(ReportingPeriod).delete({ planId: world.plan.id });
  });

  describe("in real workers", () => {
    const workers: Array<Worker<ReminderJobData, unknown, ReminderJobName>> = [];
    const outcomes = new Map<string, { ok: boolean; value: unknown }>();

    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.close(true)));
      outcomes.clear();
    });

    /**
     * `n` workers running the real router; `crashAfterCommit`: the first attempt of each job
     * throws once its work committed (the process dying before BullMQ heard of the completion).
     */
    async function startWorkers(deps: ReminderDeps, n: number, crashAfterCommit = false): Promise<void> {
      const run = processReminderJob(deps, queue);
      for (let i = 0; i < n; i++) {
        const w = new Worker<ReminderJobData, unknown, ReminderJobName>(
          QUEUE_NAMES.reminders,
          async (job: Job<ReminderJobData, unknown, ReminderJobName>, token?: string) => {
            const result = await run(job, token);
            if (crashAfterCommit && job.attemptsMade === 0) throw new Error("crashed after commit");
            return result;
          },
          {
            connection: bullConnection(db.config.redisUrl, "worker"),
            prefix: queuePrefix(db.config),
            concurrency: 3,
          },
        );
        w.on("completed", (job, value) => outcomes.set(job.id!, { ok: true, value }));
        w.on("failed", (job, err) => {
          if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
            outcomes.set(job.id!, { ok: false, value: err });
        });
        workers.push(w);
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    }

    const finished = (id: string) =>
      waitFor(`job ${id}`, async () => outcomes.get(id), 30_000).then((o) => {
        if (!o.ok) throw o.value;
        return o.value as SendRemindersSummary;
      });

    /** A batch job to run now, retried quickly (a deadlock between overlapping batches is retried). */
    const batchNow = (members: SendReminderPayload[], jobId?: string) => {
      const job = sendRemindersJob(members, new Date(FIRE_AT), new Date(FIRE_AT));
      return {
        ...job,
        opts: { ...job.opts, jobId: jobId ?? job.opts.jobId, backoff: { type: "fixed", delay: 20 } },
      };
    };

    it("duplicated and overlapping batches racing in two workers: each reminder delivered once", async () => {
      const ids = await assignments(30);
      await startWorkers(reminderDeps(db.ds, FIRE_AT), 2);
      const first = ids.slice(0, 20).map(dueToday);
      const second = ids.slice(10).map(dueToday); // 10 reminders in both
      const jobs = [
        batchNow(first),
        batchNow(first, "copy-1"),
        batchNow(first, "copy-2"),
        batchNow(second),
        batchNow([...second].reverse(), "copy-3"),
      ];
      await queue.addBulk(jobs);
      const summaries = await Promise.all(jobs.map((j) => finished(j.opts.jobId!)));
      expect(summaries.map((s) => [s.reminders, s.delivered])).toEqual([
        [20, 20],
        [20, 20],
        [20, 20],
        [20, 20],
        [20, 20],
      ]);
      expect(summaries.reduce((n, s) => n + s.newlyNotified, 0)).toBe(30 * 2);
      expect(await inAppRows(ids)).toBe(30 * 2);
      const [{ c }] = await db.ds.query(
        "SELECT COUNT(*) AS c FROM notification n JOIN reminder_delivery d ON d.notification_id = n.id WHERE d.assignment_id IN (?)",
        [ids],
      );
      expect(Number(c)).toBe(30 * 2);
    });

    it("a batch retried after a crash between its commit and its completion: no duplicate in the app or by e-mail", async () => {
      const smtp: SmtpCapture = await startSmtpCapture();
      try {
        const ids = await assignments(6);
        await startWorkers({ ...reminderDeps(db.ds, FIRE_AT), mailer: smtp.mailer }, 1, true);
        const job = batchNow(ids.map(dueToday));
        await queue.addBulk([job]);
        const summary = await finished(job.opts.jobId!);
        // The attempt that counted is the retry: everything was delivered by the crashed one.
        expect(summary).toEqual({ reminders: 6, delivered: 6, newlyNotified: 0, early: 0, skipped: {} });
        expect(await inAppRows(ids)).toBe(6 * 2);
        for (const officer of world.assigneeOfficers) expect(smtp.to(officer.email!)).toHaveLength(6);
        const messageIds = new Set(smtp.received.map((m) => /^Message-ID:\s*(\S+)/im.exec(m.raw)?.[1]));
        expect([smtp.received.length, messageIds.size]).toEqual([12, 12]);
      } finally {
        await smtp.close();
      }
    });

    it("early members go back on the queue for their instant; a batch with none due waits as a whole", async () => {
      const [a, b, c, d] = await assignments(4);
      const deps = reminderDeps(db.ds, BEFORE_1_AT);
      await startWorkers(deps, 1);
      // before_1 is due now; due_today of b and c only tomorrow.
      const mixed = sendRemindersJob(
        [{ assignmentId: a, kind: "before_1", dueDate: DUE }, dueToday(b), dueToday(c)],
        new Date(BEFORE_1_AT),
        new Date(BEFORE_1_AT),
      );
      await queue.addBulk([mixed]);
      expect(await finished(mixed.opts.jobId!)).toEqual({
        reminders: 3,
        delivered: 1,
        newlyNotified: 2,
        early: 2,
        skipped: {},
      });
      const again = sendRemindersJob([dueToday(b), dueToday(c)], new Date(FIRE_AT), new Date(BEFORE_1_AT));
      const requeued = (await queue.getJob(again.opts.jobId!))!;
      expect([await requeued.getState(), requeued.delay, requeued.data]).toEqual([
        "delayed",
        24 * 3600_000,
        again.data,
      ]);

      // A batch of nothing due yet is put back whole, until its first member's instant.
      const waiting = sendRemindersJob([dueToday(c), dueToday(d)], new Date(FIRE_AT), new Date(BEFORE_1_AT));
      await queue.addBulk([{ ...waiting, opts: { ...waiting.opts, delay: 0 } }]);
      await waitFor("the batch to wait again", async () =>
        (await queue.getJob(waiting.opts.jobId!))?.isDelayed(),
      );
      expect(await inAppRows([b, c, d])).toBe(0);

      // Tomorrow 08:00: both run; c, in both, is delivered once.
      deps.clock.set(new Date(FIRE_AT));
      await requeued.promote();
      await (await queue.getJob(waiting.opts.jobId!))!.promote();
      const [s1, s2] = await Promise.all([finished(again.opts.jobId!), finished(waiting.opts.jobId!)]);
      expect(s1.delivered + s2.delivered).toBe(4);
      expect(s1.newlyNotified + s2.newlyNotified).toBe(3 * 2);
      expect(await inAppRows([a, b, c, d])).toBe(4 * 2);
    });
  });
});
