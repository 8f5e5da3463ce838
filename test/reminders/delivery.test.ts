/**
 * Reminders against the real MariaDB and Redis: the reconciler derives them from the database and
 * queues them under deterministic IDs; the send handler re-reads the world, delivers once, and does
 * nothing when the deadline moved or the work closed. Handlers run with a `now` of the test's
 * choosing (FixedClock) instead of waiting real days; no worker runs in this file.
 */
import { Notification } from "../../src/notifications/notification.entity";
import { handleReconcile, type SendJob } from "../../src/reminders/jobs/reconcile.job";
import {
  handleSendReminder,
  type SendReminderPayload,
  sendReminderJobId,
} from "../../src/reminders/jobs/send-reminder.job";
import { createReminderQueue, enqueueOn, type ReminderQueue } from "../../src/reminders/reminder-queue";
import { PlanReminderSettings } from "../../src/reminders/reminder-settings.entity";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import type { Assignment } from "../../src/workflow/assignment.entity";
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import { createTestDb, type TestDb } from "../helpers/db";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld } from "./world";

const HOUR = 3600 * 1000;

describe("deadline reminders (MariaDB and Redis, handlers run at chosen instants)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let queue: ReminderQueue;

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    // A fresh prefix per test file: the test database's name (helpers/db.ts).
    queue = createReminderQueue(db.config, "worker");
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await db.drop();
  });

  /** Runs the reconciler at `now`, queueing for real and noting each job's instant on the test clock. */
  async function reconcileAt(now: string, payload: { assignmentId?: number } = {}) {
    const seen: Array<{ id: string; fireAt: string; data: SendReminderPayload }> = [];
    const enqueue = enqueueOn(queue);
    const result = await handleReconcile(
      reminderDeps(db.ds, now),
      payload,
      async (jobs: SendJob[]) => {
        for (const j of jobs)
          seen.push({
            id: j.opts.jobId!,
            fireAt: new Date(new Date(now).getTime() + j.opts.delay!).toISOString(),
            data: j.data,
          });
        await enqueue(jobs);
      },
      new Date(now),
    );
    return { result, seen };
  }

  const send = (p: SendReminderPayload, now: string | Date) =>
    handleSendReminder(reminderDeps(db.ds, new Date(now).toISOString()), p, new Date(now));

  it("queues each rung for 08:00 local on the right working days around Tết 2023, then delivers it to the right people", async () => {
    const a = await world.assignment("2023-01-31");
    const closed = await world.assignment("2023-01-31", AssignmentStatus.APPROVED);
    const noDeadline = await world.assignment(null);

    // The scheduled reconciler, every 6 hours from Wednesday 11/1 00:00 to Thursday 9/2 00:00 local.
    const fireAt = new Map<string, string>();
    for (let t = Date.parse("2023-01-10T17:00:00Z"); t <= Date.parse("2023-02-08T17:00:00Z"); t += 6 * HOUR) {
      for (const s of (await reconcileAt(new Date(t).toISOString())).seen) {
        if (s.fireAt === new Date(t).toISOString()) {
          // Due already (caught up within a day): queued to run now, and first seen in the future.
          expect(fireAt.has(s.id)).toBe(true);
        } else {
          expect(fireAt.get(s.id) ?? s.fireAt).toBe(s.fireAt); // a rung never moves while its deadline stands
          fireAt.set(s.id, s.fireAt);
        }
      }
    }
    const id = (kind: string) => `rem-${a.id}-${kind}-2023-01-31`;
    expect(Object.fromEntries([...fireAt].sort((x, y) => x[1].localeCompare(y[1])))).toEqual({
      [id("before_7")]: "2023-01-13T01:00:00.000Z",
      [id("before_3")]: "2023-01-19T01:00:00.000Z",
      [id("before_1")]: "2023-01-30T01:00:00.000Z",
      [id("due_today")]: "2023-01-31T01:00:00.000Z",
      [id("overdue_2")]: "2023-02-02T01:00:00.000Z",
      [id("escalation")]: "2023-02-03T01:00:00.000Z",
      [id("overdue_4")]: "2023-02-06T01:00:00.000Z",
      [id("overdue_6")]: "2023-02-08T01:00:00.000Z",
      [id("overdue_8")]: "2023-02-10T01:00:00.000Z",
    });
    // Each ID is in Redis once, however many times the reconciler added it.
    const queued = (await queue.getJobs(["delayed", "waiting"])).map((j) => j.id).sort();
    expect(queued).toEqual([...fireAt.keys()].sort());
    expect(queued.some((q) => q?.includes(`-${closed.id}-`) || q?.includes(`-${noDeadline.id}-`))).toBe(
      false,
    );

    // Each job at its instant: 11 minutes early it waits; on time it is delivered.
    for (const [jobId, at] of fireAt) {
      const job = (await queue.getJob(jobId))!;
      expect(await send(job.data as SendReminderPayload, new Date(Date.parse(at) - 11 * 60 * 1000))).toEqual({
        status: "early",
        fireAt: at,
      });
      expect(await send(job.data as SendReminderPayload, at)).toMatchObject({ status: "delivered" });
    }
    const [o1, o2] = world.assigneeOfficers;
    const toAssignee = [
      "before_7",
      "before_3",
      "before_1",
      "due_today",
      "overdue_2",
      "overdue_4",
      "overdue_6",
      "overdue_8",
    ];
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({
      [o1.id]: toAssignee,
      [o2.id]: toAssignee,
      [world.assignerOfficer.id]: ["escalation"],
      [world.coordinator.id]: ["escalation"],
    });

    const notes = await db.ds
      .getRepository(Notification)
      .find({ where: { userId: o1.id }, order: { id: "ASC" } });
    expect(notes.map((n) => n.title)).toEqual([
      "Sắp đến hạn (còn 7 ngày làm việc): Cứng hóa đường trục thôn",
      "Sắp đến hạn (còn 3 ngày làm việc): Cứng hóa đường trục thôn",
      "Sắp đến hạn (còn 1 ngày làm việc): Cứng hóa đường trục thôn",
      "Đến hạn hôm nay: Cứng hóa đường trục thôn",
      "Quá hạn 2 ngày làm việc: Cứng hóa đường trục thôn",
      "Quá hạn 4 ngày làm việc: Cứng hóa đường trục thôn",
      "Quá hạn 6 ngày làm việc: Cứng hóa đường trục thôn",
      "Quá hạn 8 ngày làm việc: Cứng hóa đường trục thôn",
    ]);
    expect(notes[0].link).toBe(toGlobalId("Task", a.taskId));
    expect(notes[0].readAt).toBeNull();
    expect(notes[0].body).toContain("có thời hạn hoàn thành ngày 31/01/2023, còn 7 ngày làm việc");
    const [escalation] = await db.ds.getRepository(Notification).findBy({ userId: world.coordinator.id });
    expect(escalation.body).toMatch(/đã quá hạn 3 ngày làm việc mà chưa hoàn thành/);

    // Once delivered, the reconciler does not queue them again (even within its day of catch-up).
    const again = await reconcileAt("2023-02-02T03:00:00Z", { assignmentId: a.id });
    expect(again.result).toMatchObject({ due: 2, delivered: 2, enqueued: 0 });
  });

  it("follows a plan's own ladder", async () => {
    const a = await world.assignment("2023-03-31");
    await db.ds.getRepository(PlanReminderSettings).save({
      planId: world.plan.id,
      daysBefore: [2],
      onDueDate: false,
      overdueEveryWorkingDays: 0,
      escalateAfterWorkingDays: 0,
      localHour: 14,
    });
    try {
      const { seen } = await reconcileAt("2023-03-29T00:00:00Z", { assignmentId: a.id });
      expect(seen.map((s) => [s.id, s.fireAt])).toEqual([
        [`rem-${a.id}-before_2-2023-03-31`, "2023-03-29T07:00:00.000Z"],
      ]);
    } finally {
      await db.ds.getRepository(PlanReminderSettings).delete({ planId: world.plan.id });
    }
  });

  it("moves with the deadline: old jobs do nothing, the reconciler queues the new rungs", async () => {
    const a = await world.assignment("2023-01-31");
    const before = await reconcileAt("2023-01-29T03:00:00Z", { assignmentId: a.id });
    expect(before.seen.map((s) => s.id)).toEqual([`rem-${a.id}-before_1-2023-01-31`]);

    // The deadline is extended to Tuesday 7/2 (as decideExtension does, with a version bump).
    await db.ds.query("UPDATE assignment SET due_date = ?, version = version + 1 WHERE id = ?", [
      "2023-02-07",
      a.id,
    ]);
    const old = before.seen[0].data;
    expect(await send(old, "2023-01-30T01:00:00Z")).toEqual({ status: "skipped", reason: "deadline_moved" });
    expect(await send({ ...old, kind: "due_today" }, "2023-01-31T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "deadline_moved",
    });
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({});

    // Reconciled on Wednesday 1/2: 3 working days before 7/2 is Thursday 2/2.
    const after = await reconcileAt("2023-02-01T03:00:00Z", { assignmentId: a.id });
    expect(after.seen.map((s) => [s.id, s.fireAt])).toEqual([
      [`rem-${a.id}-before_3-2023-02-07`, "2023-02-02T01:00:00.000Z"],
    ]);
    expect(await send(after.seen[0].data, "2023-02-02T01:00:00Z")).toMatchObject({
      status: "delivered",
      recipients: 2,
    });
    expect(Object.values(await deliveriesByUser(db.ds, a.id))).toEqual([["before_3"], ["before_3"]]);
    const [note] = await db.ds
      .getRepository(Notification)
      .find({ where: { userId: world.assigneeOfficers[0].id }, order: { id: "DESC" }, take: 1 });
    expect(note.body).toContain("ngày 07/02/2023, còn 3 ngày làm việc");
  });

  it.each([
    [AssignmentStatus.APPROVED, "approved (done)"],
    [AssignmentStatus.CANCELLED, "cancelled"],
    [AssignmentStatus.PAUSED, "paused"],
    [AssignmentStatus.RETURNED, "returned"],
  ])("stops when the work is %s: the queued job does nothing, nothing new is queued", async (status) => {
    const a = await world.assignment("2023-01-31");
    const { seen } = await reconcileAt("2023-01-29T03:00:00Z", { assignmentId: a.id });
    expect(seen).toHaveLength(1);
    await db.ds.query("UPDATE assignment SET status = ?, version = version + 1 WHERE id = ?", [status, a.id]);
    expect(await send(seen[0].data, "2023-01-30T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "not_remindable",
    });
    expect((await reconcileAt("2023-01-29T03:05:00Z", { assignmentId: a.id })).result).toMatchObject({
      due: 0,
      enqueued: 0,
    });
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({});
  });

  it("delivers once however often the same job runs: 50 at once, then 50 more one after another", async () => {
    const a = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_1", dueDate: "2023-01-31" };
    const at = "2023-01-30T01:00:30Z";
    const together = await Promise.all(Array.from({ length: 50 }, () => send(p, at)));
    expect(together.filter((r) => r.status !== "delivered")).toEqual([]);
    expect(together.reduce((n, r) => n + (r.status === "delivered" ? r.newlyNotified : 0), 0)).toBe(2);
    for (let i = 0; i < 50; i++)
      expect(await send(p, at)).toEqual({ status: "delivered", recipients: 2, newlyNotified: 0 });
    // The same job ID added 50 times is one job in Redis.
    const job = {
      name: "send-reminder" as const,
      data: p,
      opts: { jobId: sendReminderJobId(p), delay: 60_000 },
    };
    await queue.addBulk(Array.from({ length: 50 }, () => job));
    expect((await queue.getJobs(["delayed"])).filter((j) => j.id === sendReminderJobId(p))).toHaveLength(1);

    const [o1, o2] = world.assigneeOfficers;
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({ [o1.id]: ["before_1"], [o2.id]: ["before_1"] });
    const count = await db.ds.getRepository(Notification).countBy({ link: toGlobalId("Task", a.taskId) });
    expect(count).toBe(2);
  });

  it("skips what makes no sense: a stale rung, a missing assignment, a kind the ladder lacks, a bad payload", async () => {
    const a: Assignment = await world.assignment("2023-01-31");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "before_3", dueDate: "2023-01-31" };
    expect(await send(p, "2023-01-20T03:00:00Z")).toEqual({ status: "skipped", reason: "stale" });
    expect(await send({ ...p, assignmentId: 999_999 }, "2023-01-19T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "gone",
    });
    expect(await send({ ...p, kind: "before_5" }, "2023-01-19T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "not_in_ladder",
    });
    expect(await send({ ...p, kind: "before:3" as never }, "2023-01-19T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "invalid_payload",
    });
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({});
  });
});
