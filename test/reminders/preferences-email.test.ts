/**
 * Reminder e-mails under per-user preferences, against a real SMTP server started here and the
 * real MariaDB: the daily digest (three sections, one message however often its job runs), single
 * mails for users on immediate mode, quiet hours that hold an e-mail back to their end, e-mail
 * turned off, and the reconciler re-deriving digests and held-back e-mails from MariaDB alone.
 */
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import type { PreferenceEmailJob } from "../../src/reminders/preferences/email-jobs";
import {
  EmailMode,
  NotificationPreferences,
} from "../../src/reminders/preferences/notification-preferences.entity";
import { reconcilePreferenceEmails } from "../../src/reminders/preferences/reconcile-preferences";
import { handleSendDigest } from "../../src/reminders/preferences/send-digest.job";
import { handleSendReminderEmail } from "../../src/reminders/preferences/send-reminder-email.job";
import { handleSendReminder } from "../../src/reminders/jobs/send-reminder.job";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { createTestDb, type TestDb } from "../helpers/db";
import { startSmtpCapture, type SmtpCapture } from "./smtp-capture";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld } from "./world";

/** Tuesday 31/01/2023, a working day; local hour h in Asia/Ho_Chi_Minh as UTC. */
const D = "2023-01-31";
const at = (date: string, hour: number, minute = 0) =>
  new Date(
    Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(5, 7)) - 1,
      Number(date.slice(8, 10)),
      hour - 7,
      minute,
    ),
  );

describe("reminder e-mails under user preferences (SMTP server in the test, MariaDB)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let smtp: SmtpCapture;
  /** On the daily digest at 07:00. */
  let digestUser: { id: number; email: string };
  /** On the defaults (immediate), then with quiet hours. */
  let immediateUser: { id: number; email: string };
  const queued: PreferenceEmailJob[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    smtp = await startSmtpCapture();
    digestUser = world.assigneeOfficers[0];
    immediateUser = world.assigneeOfficers[1];
    await setPrefs(digestUser.id, { emailMode: EmailMode.DIGEST, digestLocalHour: 7 });
  });
  afterAll(async () => {
    await smtp?.close();
    await db.drop();
  });

  async function setPrefs(userId: number, p: Partial<NotificationPreferences>) {
    await db.ds.getRepository(NotificationPreferences).save({ userId, ...p });
  }
  const deps = (now: Date, withQueue = true) => ({
    ...reminderDeps(db.ds, now.toISOString()),
    mailer: smtp.mailer,
    enqueuePreferenceJobs: withQueue
      ? async (jobs: PreferenceEmailJob[]) => {
          queued.push(...jobs);
        }
      : undefined,
  });
  const digest = (date: string, now: Date, userId = digestUser.id) =>
    handleSendDigest(deps(now), { userId, date }, now);
  const emailRows = async (assignmentId: number): Promise<number[]> =>
    (
      await db.ds.query(
        "SELECT recipient_user_id AS u FROM reminder_delivery WHERE assignment_id = ? AND channel = 'email' ORDER BY u",
        [assignmentId],
      )
    ).map((r: { u: number }) => Number(r.u));

  it("sends one digest with the three sections, once however often (and however concurrently) its job runs", async () => {
    await world.assignment("2023-02-03"); // due soon: 3 working days left
    await world.assignment(D); // due today
    await world.assignment("2023-01-27"); // overdue by 2 working days
    await world.assignment("2023-03-31"); // beyond the ladder's 7 working days
    await world.assignment(D, AssignmentStatus.CANCELLED); // no longer expected

    expect(await digest(D, at(D, 6, 30))).toEqual({ status: "early", fireAt: at(D, 7).toISOString() });
    expect(await digest(D, at(D, 7), immediateUser.id)).toEqual({ status: "skipped", reason: "not_wanted" });
    expect(smtp.received).toHaveLength(0);

    expect(await digest(D, at(D, 7))).toEqual({ status: "sent", items: 3 });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => digest(D, at(D, 7, 5))));
    expect(results).toEqual(Array(5).fill({ status: "skipped", reason: "already_sent" }));
    expect(await digest(D, at(D, 9))).toEqual({ status: "skipped", reason: "already_sent" });

    const mine = smtp.to(digestUser.email);
    expect(mine).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    const m = mine[0];
    expect(m.headers.subject).toBe(
      "Tổng hợp nhắc việc ngày 31/01/2023: 1 đến hạn hôm nay, 1 quá hạn, 1 sắp đến hạn",
    );
    const sections = m.text.split("\n\n");
    expect(sections[0]).toBe("Tổng hợp nhắc việc ngày 31/01/2023: 3 nhiệm vụ cần theo dõi.");
    expect(sections[1]).toMatch(
      /^Sắp đến hạn \(1\)\n- «Cứng hóa đường trục thôn» \(mã [^)]+\), .+: hạn 03\/02\/2023, còn 3 ngày làm việc$/,
    );
    expect(sections[2]).toMatch(
      /^Đến hạn hôm nay \(1\)\n- «Cứng hóa đường trục thôn» .+: hạn hôm nay 31\/01\/2023$/,
    );
    expect(sections[3]).toMatch(
      /^Quá hạn \(1\)\n- «Cứng hóa đường trục thôn» .+: hạn 27\/01\/2023, quá hạn 2 ngày làm việc$/,
    );
    expect(m.html).toContain('<html lang="vi">');
    expect(m.html).toContain("<h2>Sắp đến hạn (1)</h2>");
    expect(m.html).toContain("<h2>Đến hạn hôm nay (1)</h2>");
    expect(m.html).toContain("<h2>Quá hạn (1)</h2>");
    expect(m.html).toContain("<li>«Cứng hóa đường trục thôn»");

    const rows = await db.ds.query(
      "SELECT user_id, DATE_FORMAT(digest_date, '%Y-%m-%d') AS d, channel, item_count FROM digest_delivery",
    );
    expect(
      rows.map((r: Record<string, unknown>) => ({
        ...r,
        user_id: Number(r.user_id),
        item_count: Number(r.item_count),
      })),
    ).toEqual([{ user_id: digestUser.id, d: D, channel: "email", item_count: 3 }]);
  });

  it("mails a reminder singly to users on immediate mode only; the digest user has it in the app", async () => {
    const a = await world.assignment(D);
    const before = smtp.received.length;
    expect(
      await handleSendReminder(
        deps(at(D, 8)),
        { assignmentId: a.id, kind: "due_today", dueDate: D },
        at(D, 8),
      ),
    ).toMatchObject({ status: "delivered", recipients: 2, newlyNotified: 2 });
    expect(
      Object.keys(await deliveriesByUser(db.ds, a.id))
        .map(Number)
        .sort(),
    ).toEqual([digestUser.id, immediateUser.id].sort());
    expect(await emailRows(a.id)).toEqual([immediateUser.id]);
    expect(smtp.received.length - before).toBe(1);
    expect(smtp.to(immediateUser.email).at(-1)!.headers.subject).toBe(
      "Đến hạn hôm nay: Cứng hóa đường trục thôn",
    );
    expect(smtp.to(digestUser.email)).toHaveLength(1); // still only the digest
  });

  it("holds an e-mail back during quiet hours and sends it once when they end", async () => {
    await setPrefs(immediateUser.id, { quietStartHour: 7, quietEndHour: 9 });
    const a = await world.assignment(D);
    const key = { assignmentId: a.id, kind: "due_today", dueDate: D } as const;
    const before = smtp.received.length;
    queued.length = 0;
    expect(await handleSendReminder(deps(at(D, 8)), key, at(D, 8))).toMatchObject({ status: "delivered" });
    // In the app at once, for both; no e-mail yet.
    expect(Object.keys(await deliveriesByUser(db.ds, a.id))).toHaveLength(2);
    expect(await emailRows(a.id)).toEqual([]);
    expect(smtp.received.length).toBe(before);
    // A delayed job of its own, due at 09:00 local, and its row in MariaDB.
    expect(queued).toEqual([
      {
        name: "send-reminder-email",
        data: { ...key, userId: immediateUser.id },
        opts: expect.objectContaining({
          jobId: `remail-${a.id}-due_today-${D}-${immediateUser.id}`,
          delay: 3600_000,
        }),
      },
    ]);
    const [row] = await db.ds.query("SELECT send_at FROM deferred_email WHERE assignment_id = ?", [a.id]);
    expect(new Date(row.send_at).toISOString()).toBe(at(D, 9).toISOString());

    const email = (now: Date) =>
      handleSendReminderEmail(deps(now), { ...key, userId: immediateUser.id }, now);
    expect(await email(at(D, 8, 30))).toEqual({ status: "early", fireAt: at(D, 9).toISOString() });
    expect(smtp.received.length).toBe(before);
    expect(await email(at(D, 9))).toEqual({ status: "sent" });
    expect(await email(at(D, 9, 1))).toEqual({ status: "already_sent" });
    expect(await Promise.all([1, 2, 3].map(() => email(at(D, 9, 2))))).toEqual(
      Array(3).fill({ status: "already_sent" }),
    );
    expect(smtp.received.length - before).toBe(1);
    expect(await emailRows(a.id)).toEqual([immediateUser.id]);
    // Settled: its deferred_email row is gone, so the reconciler stops re-adding it.
    expect(await db.ds.query("SELECT id FROM deferred_email WHERE assignment_id = ?", [a.id])).toEqual([]);
    const m = smtp.to(immediateUser.email).at(-1)!;
    expect(m.headers.subject).toBe("Đến hạn hôm nay: Cứng hóa đường trục thôn");
    expect(m.text).toMatch(/^Nhắc việc: hôm nay \(31\/01\/2023\) là hạn hoàn thành/);
    // Work closed meanwhile: a held-back e-mail of it is dropped.
    const b = await world.assignment(D);
    await handleSendReminder(deps(at(D, 8)), { ...key, assignmentId: b.id }, at(D, 8));
    await db.ds.query("UPDATE assignment SET status = 'cancelled' WHERE id = ?", [b.id]);
    expect(
      await handleSendReminderEmail(
        deps(at(D, 9)),
        { ...key, assignmentId: b.id, userId: immediateUser.id },
        at(D, 9),
      ),
    ).toEqual({
      status: "skipped",
      reason: "moved_on",
    });
    expect(await emailRows(b.id)).toEqual([]);
  });

  it("sends nothing by e-mail to a user who turned e-mail off, but still notifies them in the app", async () => {
    await setPrefs(immediateUser.id, { emailEnabled: false, quietStartHour: null, quietEndHour: null });
    const a = await world.assignment(D);
    const before = smtp.received.length;
    await handleSendReminder(deps(at(D, 8)), { assignmentId: a.id, kind: "due_today", dueDate: D }, at(D, 8));
    expect(Object.keys(await deliveriesByUser(db.ds, a.id))).toHaveLength(2);
    expect(await emailRows(a.id)).toEqual([]);
    expect(smtp.received.length).toBe(before);
    await setPrefs(immediateUser.id, { emailEnabled: true });
  });

  it("re-derives due digests and held-back e-mails from MariaDB alone (Redis lost them), each sent once", async () => {
    const E = "2023-02-01"; // Wednesday
    await setPrefs(immediateUser.id, { quietStartHour: 7, quietEndHour: 9 });
    const a = await world.assignment(E);
    const key = { assignmentId: a.id, kind: "due_today", dueDate: E } as const;
    // The reminder job ran at 08:00, but its delayed e-mail job never reached Redis.
    await handleSendReminder(deps(at(E, 8), false), key, at(E, 8));
    expect(await emailRows(a.id)).toEqual([]);

    const reconcile = async (now: Date) => {
      const jobs: PreferenceEmailJob[] = [];
      const r = await reconcilePreferenceEmails(deps(now), async (j) => void jobs.push(...j), now);
      return { r, ids: jobs.map((j) => [j.opts.jobId, j.opts.delay]) };
    };
    const first = await reconcile(at(E, 8, 5));
    expect(first.ids).toEqual([
      [`digest-${digestUser.id}-${E}`, 0], // 07:00 passed, not sent: at once
      [`digest-${digestUser.id}-2023-02-02`, 23 * 3600_000 - 5 * 60_000], // tomorrow's, within the lookahead
      [`remail-${a.id}-due_today-${E}-${immediateUser.id}`, 55 * 60_000],
    ]);
    // Run what the queue would: the late digest now, the e-mail at 09:00.
    expect(await digest(E, at(E, 8, 5))).toMatchObject({ status: "sent" });
    const second = await reconcile(at(E, 8, 10));
    expect(second.ids.map((x) => x[0])).toEqual([
      `digest-${digestUser.id}-2023-02-02`,
      `remail-${a.id}-due_today-${E}-${immediateUser.id}`,
    ]);
    expect(
      await handleSendReminderEmail(deps(at(E, 9)), { ...key, userId: immediateUser.id }, at(E, 9)),
    ).toEqual({
      status: "sent",
    });
    const third = await reconcile(at(E, 9, 5));
    expect(third.ids.map((x) => x[0])).toEqual([`digest-${digestUser.id}-2023-02-02`]);
    expect(await emailRows(a.id)).toEqual([immediateUser.id]);
    expect(smtp.to(digestUser.email).filter((m) => m.headers.subject.includes("01/02/2023"))).toHaveLength(1);
    // No SMTP configured: nothing to derive.
    const off = await reconcilePreferenceEmails(
      { ...deps(at(E, 8)), mailer: null },
      async () => undefined,
      at(E, 8),
    );
    expect(off).toEqual({ digests: 0, deferredEmails: 0 });
  });
});
