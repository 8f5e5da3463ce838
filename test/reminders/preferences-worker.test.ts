/**
 * The real reminders worker with preferences, on the shared Redis under this test's own key
 * prefix, a real SMTP server and the real MariaDB: the scheduled reconciler derives a due digest
 * and the worker sends it; a reminder held back by quiet hours waits as a delayed job and is sent
 * by the worker when it is promoted at the end of the quiet hours; reconciling again sends nothing
 * twice. "Now" is a FixedClock the test moves; a delayed job is promoted rather than waited for.
 */
import type { Job } from "bullmq";
import { SEND_REMINDER } from "../../src/reminders/jobs/send-reminder.job";
import { RECONCILE_REMINDERS } from "../../src/reminders/jobs/reconcile.job";
import {
  EmailMode,
  NotificationPreferences,
} from "../../src/reminders/preferences/notification-preferences.entity";
import { addReminderJob } from "../../src/reminders/reminder-queue";
import { type ReminderService, startReminderService } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { createTestDb, type TestDb } from "../helpers/db";
import { startSmtpCapture, type SmtpCapture } from "./smtp-capture";
import { makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "./world";

const D = "2023-01-31";

describe("the reminders worker with preferences (real Redis, MariaDB and SMTP server)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let smtp: SmtpCapture;
  let service: ReminderService;
  let clock: ReturnType<typeof reminderDeps>["clock"];
  const results = new Map<string, unknown>();

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    smtp = await startSmtpCapture();
    const prefs = db.ds.getRepository(NotificationPreferences);
    await prefs.save({
      userId: world.assigneeOfficers[0].id,
      emailMode: EmailMode.DIGEST,
      digestLocalHour: 7,
    });
    await prefs.save({ userId: world.assigneeOfficers[1].id, quietStartHour: 7, quietEndHour: 9 });
    await world.assignment("2023-01-27"); // overdue on D
    // 07:05 local on D: the digest (07:00) is due.
    const deps = { ...reminderDeps(db.ds, "2023-01-31T00:05:00Z"), mailer: smtp.mailer };
    clock = deps.clock;
    service = await startReminderService(deps, {
      config: { redisUrl: db.config.redisUrl, redisPrefix: db.config.redisPrefix },
      concurrency: 2,
    });
    service.worker.on("completed", (job: Job, value: unknown) => results.set(job.id!, value));
  });

  afterAll(async () => {
    if (service) {
      service.stopWatchdog();
      await service.queue.obliterate({ force: true });
      await service.close();
    }
    await smtp?.close();
    await db.drop();
  });

  const finished = (id: string) => waitFor(`job ${id}`, async () => results.get(id));

  it("sends the digest the scheduled reconciler derived, then a quiet-hours e-mail at their end; each once", async () => {
    const [digestUser, quietUser] = world.assigneeOfficers;
    // The scheduler's first run (at start) derived today's digest; the worker sent it.
    expect(await finished(`digest-${digestUser.id}-${D}`)).toEqual({ status: "sent", items: 1 });
    expect(smtp.to(digestUser.email)).toHaveLength(1);
    expect(smtp.to(digestUser.email)[0].text).toContain("Quá hạn (1)");

    // 08:00: a due_today reminder; the quiet-hours user's e-mail becomes a delayed job.
    clock.set(new Date("2023-01-31T01:00:00Z"));
    const a = await world.assignment(D);
    const payload = { assignmentId: a.id, kind: "due_today" as const, dueDate: D };
    await addReminderJob(service.queue, SEND_REMINDER, payload, { jobId: "now-due-today" });
    expect(await finished("now-due-today")).toMatchObject({ status: "delivered", recipients: 2 });
    const id = `remail-${a.id}-due_today-${D}-${quietUser.id}`;
    const held = await waitFor("the held-back e-mail job", async () => service.queue.getJob(id));
    expect(await held.getState()).toBe("delayed");
    expect(held.delay).toBe(3600_000);
    expect(smtp.to(quietUser.email)).toHaveLength(0);
    expect(smtp.to(digestUser.email)).toHaveLength(1); // the digest user gets no single mail

    // 09:00: quiet hours end; the job runs and sends it.
    clock.set(new Date("2023-01-31T02:00:00Z"));
    await held.promote();
    expect(await finished(id)).toEqual({ status: "sent" });
    expect(smtp.to(quietUser.email).map((m) => m.headers.subject)).toEqual([
      "Đến hạn hôm nay: Cứng hóa đường trục thôn",
    ]);

    // A full reconcile afterwards re-derives nothing that was sent.
    const before = smtp.received.length;
    await addReminderJob(service.queue, RECONCILE_REMINDERS, {}, { jobId: "reconcile-again" });
    expect(await finished("reconcile-again")).toMatchObject({ digests: 1, deferredEmails: 0 }); // tomorrow's digest, delayed
    expect(await (await service.queue.getJob(`digest-${digestUser.id}-2023-02-01`))!.getState()).toBe(
      "delayed",
    );
    expect(smtp.received.length).toBe(before);
  });
});
