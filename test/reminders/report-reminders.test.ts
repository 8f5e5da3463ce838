/**
 * Reporting-period deadlines: running assignments of a plan are reminded on the ladder's
 * before-days ahead of each period's due date, unless they already reported on the period (by
 * period, or the same kind and dates); once per rung, due date and person; never after the report.
 */
import { Notification } from "../../src/notifications/notification.entity";
import { handleReconcile, type SendJob } from "../../src/reminders/jobs/reconcile.job";
import { handleSendReminder, type SendReminderPayload } from "../../src/reminders/jobs/send-reminder.job";
import { isReportReminderKind } from "../../src/reminders/report-reminders";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import { ProgressReport, ReportingPeriod, ReportingPeriodKind } from "../../src/workflow/report.entity";
import { createTestDb, type TestDb } from "../helpers/db";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld } from "./world";

const HOUR = 3600 * 1000;
const K = ReportingPeriodKind;

describe("report-due reminders", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let feb: ReportingPeriod;

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    const repo = db.ds.getRepository(ReportingPeriod);
    const planId = world.plan.id;
    feb = await repo.save({
      planId,
      kind: K.MONTHLY,
      periodStart: "2023-02-01",
      periodEnd: "2023-02-28",
      dueDate: "2023-03-06",
    });
    await repo.save({
      planId,
      kind: K.MONTHLY,
      periodStart: "2023-03-01",
      periodEnd: "2023-03-31",
      dueDate: "2023-04-05",
    });
    await repo.save({
      planId,
      kind: K.QUARTERLY,
      periodStart: "2023-01-01",
      periodEnd: "2023-03-31",
      dueDate: "2023-04-05",
    });
  });
  afterAll(async () => {
    await db.drop();
  });

  const report = (assignmentId: number, p: Partial<ProgressReport>) =>
    db.ds.getRepository(ProgressReport).insert({
      assignmentId,
      percent: "10.00",
      narrative: "Đã triển khai",
      submittedByUserId: world.assigneeOfficers[0].id,
      ...p,
    } as ProgressReport);

  async function reconcileAt(now: string, payload: { assignmentId?: number } = {}) {
    const jobs: SendJob[] = [];
    await handleReconcile(
      reminderDeps(db.ds, now),
      payload,
      async (j) => void jobs.push(...j),
      new Date(now),
    );
    return jobs
      .filter((j) => isReportReminderKind(j.data.kind))
      .map((j) => ({
        id: j.opts.jobId!,
        fireAt: new Date(Date.parse(now) + j.opts.delay!).toISOString(),
        data: j.data,
      }));
  }
  const send = (p: SendReminderPayload, at: string) =>
    handleSendReminder(reminderDeps(db.ds, at), p, new Date(at));

  it("reminds each running assignment ahead of each period it has not reported on, once, and stops once reported", async () => {
    const none = await world.assignment("2023-12-31");
    const reportedFeb = await world.assignment("2023-12-31");
    await report(reportedFeb.id, {
      periodId: feb.id,
      periodKind: K.MONTHLY,
      periodStart: "2023-02-01",
      periodEnd: "2023-02-28",
    });
    const reportedMarchByDates = await world.assignment("2023-12-31");
    await report(reportedMarchByDates.id, {
      periodId: null,
      periodKind: K.MONTHLY,
      periodStart: "2023-03-01",
      periodEnd: "2023-03-31",
    });
    await report(reportedMarchByDates.id, {
      periodId: feb.id,
      periodKind: K.MONTHLY,
      periodStart: "2023-02-01",
      periodEnd: "2023-02-28",
    });
    const done = await world.assignment("2023-12-31", AssignmentStatus.APPROVED);

    const seen = new Map<string, { fireAt: string; data: SendReminderPayload }>();
    for (let t = Date.parse("2023-02-19T17:00:00Z"); t <= Date.parse("2023-04-03T11:00:00Z"); t += 6 * HOUR)
      for (const s of await reconcileAt(new Date(t).toISOString()))
        if (!seen.has(s.id)) seen.set(s.id, { fireAt: s.fireAt, data: s.data });
    const ids = (a: { id: number }, due: string, rungs: Array<[number, string]>) =>
      rungs.map(([n, at]) => [`rem-${a.id}-report_due_before_${n}-${due}`, at]);
    const april: Array<[number, string]> = [
      [7, "2023-03-27T01:00:00.000Z"],
      [3, "2023-03-31T01:00:00.000Z"],
      [1, "2023-04-04T01:00:00.000Z"],
    ];
    expect([...seen].map(([id, v]) => [id, v.fireAt]).sort()).toEqual(
      [
        ...ids(none, "2023-03-06", [
          [7, "2023-02-23T01:00:00.000Z"],
          [3, "2023-03-01T01:00:00.000Z"],
          [1, "2023-03-03T01:00:00.000Z"],
        ]),
        ...ids(none, "2023-04-05", april),
        ...ids(reportedFeb, "2023-04-05", april),
        ...ids(reportedMarchByDates, "2023-04-05", april),
      ].sort(),
    );
    expect([...seen.keys()].some((k) => k.startsWith(`rem-${done.id}-`))).toBe(false);

    // Delivered once however often the job runs; the text names the periods not reported yet.
    const job = (a: { id: number }, n: number, due: string) =>
      seen.get(`rem-${a.id}-report_due_before_${n}-${due}`)!;
    for (const [a, n, due] of [
      [none, 7, "2023-03-06"],
      [none, 3, "2023-03-06"],
      [reportedMarchByDates, 7, "2023-04-05"],
    ] as const) {
      const { data, fireAt } = job(a, n, due);
      const runs = await Promise.all(Array.from({ length: 5 }, () => send(data, fireAt)));
      expect(runs.reduce((s, r) => s + (r.status === "delivered" ? r.newlyNotified : 0), 0)).toBe(2);
      expect(await send(data, fireAt)).toMatchObject({ status: "delivered", newlyNotified: 0 });
    }
    const [o1, o2] = world.assigneeOfficers;
    expect(await deliveriesByUser(db.ds, none.id)).toEqual({
      [o1.id]: ["report_due_before_7", "report_due_before_3"],
      [o2.id]: ["report_due_before_7", "report_due_before_3"],
    });
    const [note] = await db.ds
      .getRepository(Notification)
      .find({ where: { userId: o1.id, kind: "reminder.report_due" }, order: { id: "DESC" }, take: 1 });
    expect(note.title).toBe("Sắp đến hạn báo cáo (còn 7 ngày làm việc): Cứng hóa đường trục thôn");
    expect(note.body).toContain("cho kỳ quý 01/01/2023–31/03/2023; hạn báo cáo ngày 05/04/2023");
    expect(note.body).not.toContain("kỳ tháng");

    // The report for February comes in: the last rung does nothing, and nothing is queued again.
    await report(none.id, {
      periodId: null,
      periodKind: K.MONTHLY,
      periodStart: "2023-02-01",
      periodEnd: "2023-02-28",
    });
    expect(await send(job(none, 1, "2023-03-06").data, "2023-03-03T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "reported",
    });
    expect(
      (await reconcileAt("2023-03-02T03:00:00Z", { assignmentId: none.id })).filter((s) =>
        s.id.endsWith("2023-03-06"),
      ),
    ).toEqual([]);
    expect(Object.values(await deliveriesByUser(db.ds, none.id)).flat()).toHaveLength(4);

    // A rung the ladder lacks, work that stopped, a stale job.
    const p = job(reportedFeb, 1, "2023-04-05").data;
    expect(await send({ ...p, kind: "report_due_before_5" }, "2023-03-29T01:00:00Z")).toEqual({
      status: "skipped",
      reason: "not_in_ladder",
    });
    expect(await send(p, "2023-04-05T03:00:00Z")).toEqual({ status: "skipped", reason: "stale" });
    await db.ds.query("UPDATE assignment SET status = 'paused', version = version + 1 WHERE id = ?", [
      reportedFeb.id,
    ]);
    expect(await send(p, "2023-04-04T01:00:00Z")).toEqual({ status: "skipped", reason: "not_remindable" });
    expect(await deliveriesByUser(db.ds, reportedFeb.id)).toEqual({});
  });
});
