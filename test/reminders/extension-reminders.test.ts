/**
 * Extension requests awaiting a decision remind their approvers: the assigning organization's
 * acting members each working day at the ladder's hour, the plan's coordinators too once the
 * request has waited the escalation delay; once per extension, day and person; never after the
 * decision. Real MariaDB; the handlers run at chosen instants (no Redis needed here).
 */
import { Notification } from "../../src/notifications/notification.entity";
import { extensionReminderKind } from "../../src/reminders/extension-reminders";
import { handleReconcile, type SendJob } from "../../src/reminders/jobs/reconcile.job";
import { handleSendReminder, type SendReminderPayload } from "../../src/reminders/jobs/send-reminder.job";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import type { Assignment } from "../../src/workflow/assignment.entity";
import { DeadlineExtension, ExtensionStatus } from "../../src/workflow/extension.entity";
import { createTestDb, type TestDb } from "../helpers/db";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld } from "./world";

const HOUR = 3600 * 1000;

describe("reminders of extension requests awaiting a decision", () => {
  let db: TestDb;
  let world: ReminderWorld;

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
  });
  afterAll(async () => {
    await db.drop();
  });

  /** A pending request on `a`, made at `at` (UTC). */
  async function requestOn(a: Assignment, at: string): Promise<number> {
    const ins = await db.ds.getRepository(DeadlineExtension).insert({
      assignmentId: a.id,
      currentDueDate: a.dueDate,
      requestedDueDate: "2023-03-31",
      reason: "Mưa lũ",
      status: ExtensionStatus.PENDING,
      requestedByUserId: world.assigneeOfficers[0].id,
    });
    const id = Number(ins.identifiers[0].id);
    await db.ds.query("UPDATE deadline_extension SET created_at = ? WHERE id = ?", [
      at.replace("T", " ").replace("Z", ""),
      id,
    ]);
    return id;
  }

  async function reconcileAt(now: string, payload: { assignmentId?: number } = {}) {
    const jobs: SendJob[] = [];
    const result = await handleReconcile(
      reminderDeps(db.ds, now),
      payload,
      async (j) => void jobs.push(...j),
      new Date(now),
    );
    return {
      result,
      ext: jobs
        .filter((j) => j.data.kind.startsWith("ext_pending_"))
        .map((j) => ({
          id: j.opts.jobId!,
          fireAt: new Date(Date.parse(now) + j.opts.delay!).toISOString(),
          data: j.data,
        })),
    };
  }
  const send = (p: SendReminderPayload, at: string) =>
    handleSendReminder(reminderDeps(db.ds, at), p, new Date(at));

  it("reminds on working days only, escalates after 3 working days, once each, and stops once decided", async () => {
    const a = await world.assignment("2023-02-28");
    // Wednesday 18/1/2023, 10:00 local; Tết closes Friday 20/1 to Thursday 26/1.
    const extId = await requestOn(a, "2023-01-18T03:00:00Z");
    const kind = extensionReminderKind(extId);

    const fireAt = new Map<string, { fireAt: string; data: SendReminderPayload }>();
    for (let t = Date.parse("2023-01-17T17:00:00Z"); t <= Date.parse("2023-01-30T11:00:00Z"); t += 6 * HOUR) {
      for (const s of (await reconcileAt(new Date(t).toISOString())).ext)
        if (!fireAt.has(s.id)) fireAt.set(s.id, { fireAt: s.fireAt, data: s.data }); // first seen ahead of time
    }
    const id = (day: string) => `rem-${a.id}-${kind}-${day}`;
    expect(Object.fromEntries([...fireAt].map(([k, v]) => [k, v.fireAt]))).toEqual({
      [id("2023-01-19")]: "2023-01-19T01:00:00.000Z",
      [id("2023-01-27")]: "2023-01-27T01:00:00.000Z",
      [id("2023-01-30")]: "2023-01-30T01:00:00.000Z",
      [id("2023-01-31")]: "2023-01-31T01:00:00.000Z",
    });

    // Each at its instant (11 minutes early it waits), several times over: delivered once.
    for (const day of ["2023-01-19", "2023-01-27", "2023-01-30"]) {
      const { fireAt: at, data } = fireAt.get(id(day))!;
      expect(await send(data, new Date(Date.parse(at) - 11 * 60 * 1000).toISOString())).toEqual({
        status: "early",
        fireAt: at,
      });
      const runs = await Promise.all(Array.from({ length: 5 }, () => send(data, at)));
      expect(runs.every((r) => r.status === "delivered")).toBe(true);
      expect(runs.reduce((n, r) => n + (r.status === "delivered" ? r.newlyNotified : 0), 0)).toBe(
        day === "2023-01-30" ? 2 : 1,
      );
      expect(await send(data, at)).toMatchObject({ status: "delivered", newlyNotified: 0 });
    }
    // A day off, the day of the request and a day before it get nothing.
    for (const day of ["2023-01-23", "2023-01-28", "2023-01-18", "2023-01-17"])
      expect(await send({ assignmentId: a.id, kind, dueDate: day }, `${day}T01:00:00Z`)).toEqual({
        status: "skipped",
        reason: "not_in_ladder",
      });
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({
      [world.assignerOfficer.id]: [kind, kind, kind],
      [world.coordinator.id]: [kind],
    });
    const [note] = await db.ds
      .getRepository(Notification)
      .find({ where: { userId: world.coordinator.id }, order: { id: "DESC" }, take: 1 });
    expect(note.title).toBe("Đề nghị gia hạn chờ quyết định (3 ngày làm việc): Cứng hóa đường trục thôn");
    expect(note.body).toContain("đến ngày 31/03/2023, gửi ngày 18/01/2023, đã chờ 3 ngày làm việc");
    expect(note.link).toBe(toGlobalId("DeadlineExtension", extId));

    // Decided (rejected): the queued reminder of the next day does nothing, none is queued again.
    await db.ds.query("UPDATE deadline_extension SET status = ? WHERE id = ?", [
      ExtensionStatus.REJECTED,
      extId,
    ]);
    expect(await send(fireAt.get(id("2023-01-31"))!.data, "2023-01-31T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "decided",
    });
    expect((await reconcileAt("2023-01-31T00:00:00Z")).ext).toEqual([]);
    expect((await reconcileAt("2023-01-31T00:00:00Z", { assignmentId: a.id })).ext).toEqual([]);
    expect(Object.values(await deliveriesByUser(db.ds, a.id)).flat()).toHaveLength(4);
  });

  it("reconciles one assignment's pending request, and skips what makes no sense", async () => {
    const a = await world.assignment("2023-02-28");
    const extId = await requestOn(a, "2023-02-06T03:00:00Z"); // Monday 6/2
    const kind = extensionReminderKind(extId);
    const { ext } = await reconcileAt("2023-02-06T12:00:00Z", { assignmentId: a.id });
    expect(ext.map((e) => [e.id, e.fireAt])).toEqual([
      [`rem-${a.id}-${kind}-2023-02-07`, "2023-02-07T01:00:00.000Z"],
    ]);
    const p = ext[0].data;
    expect(await send({ ...p, assignmentId: a.id + 1000 }, "2023-02-07T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "gone",
    });
    expect(await send({ ...p, kind: extensionReminderKind(999_999) }, "2023-02-07T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "gone",
    });
    expect(await send(p, "2023-02-08T03:00:00Z")).toEqual({ status: "skipped", reason: "stale" });
    await db.ds.query("UPDATE assignment SET status = 'cancelled', version = version + 1 WHERE id = ?", [
      a.id,
    ]);
    expect(await send(p, "2023-02-07T01:00:00Z")).toEqual({ status: "skipped", reason: "not_remindable" });
    expect(await deliveriesByUser(db.ds, a.id)).toEqual({});
  });
});
