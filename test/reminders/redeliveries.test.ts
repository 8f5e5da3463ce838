/**
 * More than 1,000 forced redeliveries, 0 duplicate deliveries. The real job router
 * (processReminderJob: send-reminder and deliver-webhook) runs in four BullMQ workers on one queue
 * (real Redis, real MariaDB, a real SMTP server and a real webhook receiver in the test), and the
 * test makes every kind of redelivery happen:
 *  - duplicated jobs: each reminder is added 30 more times under other job ids, and each webhook
 *    delivery 5 more times;
 *  - retries: a third of the jobs throw after their work committed (a lost acknowledgement), and
 *    the SMTP server refuses every 5th message (451), so BullMQ retries them;
 *  - stalled jobs: two of the workers never renew their 300 ms lock and dawdle before working, so
 *    their jobs are taken back by the stalled-job check and run again elsewhere, concurrently;
 *  - parallel workers racing: 4 workers × 6 jobs at once on the same reminders.
 * Then: one delivery row per unique key and channel, one notification, one e-mail (one
 * Message-ID) per recipient and reminder, one signed POST per webhook delivery.
 */
import type { AddressInfo } from "node:net";
import { type Job, Worker } from "bullmq";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { createMailer, type Mailer } from "../../src/notifications/email";
import { WebhookSubscription } from "../../src/notifications/webhook.entity";
import { newWebhookSecret } from "../../src/notifications/webhook-post";
import { DELIVER_WEBHOOK, deliverWebhookJobId } from "../../src/notifications/jobs/deliver-webhook.job";
import { bullConnection, QUEUE_NAMES } from "../../src/queue/queues";
import {
  SEND_REMINDER,
  SEND_REMINDER_OPTIONS,
  sendReminderJobId,
  type SendReminderPayload,
} from "../../src/reminders/jobs/send-reminder.job";
import {
  createReminderQueue,
  enqueueWebhookDeliveries,
  type ReminderQueue,
} from "../../src/reminders/reminder-queue";
import { processReminderJob } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { createTestDb, type TestDb } from "../helpers/db";
import { startReceiver } from "../notifications/receiver";
import { makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "./world";

/** Wednesday 08/02/2023, 08:00 local: due_today of tasks due that day, overdue_2 of tasks due Monday. */
const NOW = "2023-02-08T01:00:00.000Z";
const DUE_TODAY = "2023-02-08";
const DUE_MONDAY = "2023-02-06";
const REMINDERS_PER_KIND = 10;
const DUPLICATES = 30;
const WEBHOOK_DUPLICATES = 5;

jest.setTimeout(300_000);

/** A third of the job ids, always the same ones. */
const oneInThree = (id: string) => [...id].reduce((s, c) => s + c.charCodeAt(0), 0) % 3 === 0;

describe("1,000 forced redeliveries (real workers racing on real Redis, MariaDB, SMTP and webhook receiver)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let smtp: SMTPServer;
  let mailer: Mailer;
  let queue: ReminderQueue;
  const workers: Worker[] = [];
  const mail: Array<{ to: string[]; messageId: string }> = [];
  let dataCommands = 0;

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onData(stream: SMTPServerDataStream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (++dataCommands % 5 === 0) {
            callback(Object.assign(new Error("Hộp thư tạm thời không nhận thư"), { responseCode: 451 }));
            return;
          }
          const raw = Buffer.concat(chunks).toString("utf8");
          mail.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? "",
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      from: "no-reply@ntm.backan.gov.vn",
    })!;
    queue = createReminderQueue(db.config, "worker");
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    await queue.obliterate({ force: true });
    await queue.close();
    mailer.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await db.drop();
  });

  it("runs the same reminders more than 1,000 extra times and delivers each exactly once on every channel", async () => {
    const secret = newWebhookSecret();
    const receiver = await startReceiver(secret, () => 200, 30);
    try {
      await db.ds.getRepository(WebhookSubscription).insert({
        orgId: world.assignee.id,
        url: receiver.url,
        secret,
        events: "overdue",
        active: true,
      });
      const reminders: SendReminderPayload[] = [];
      for (let i = 0; i < REMINDERS_PER_KIND; i++) {
        const today = await world.assignment(DUE_TODAY);
        reminders.push({ assignmentId: today.id, kind: "due_today", dueDate: DUE_TODAY });
        const late = await world.assignment(DUE_MONDAY);
        reminders.push({ assignmentId: late.id, kind: "overdue_2", dueDate: DUE_MONDAY });
      }

      const retry = { maxAttempts: 8, backoffMs: 10 };
      let runs = 0;
      let forcedRetries = 0;
      let webhookRuns = 0;
      const deps = {
        ...reminderDeps(db.ds, NOW),
        mailer,
        webhookRetry: retry,
        // Every webhook delivery is queued under its own id and, duplicated, under 5 others.
        enqueueWebhooks: async (ids: readonly number[]) => {
          await enqueueWebhookDeliveries(queue, ids, retry);
          await queue.addBulk(
            ids.flatMap((deliveryId) =>
              Array.from({ length: WEBHOOK_DUPLICATES }, (_, k) => ({
                name: DELIVER_WEBHOOK,
                data: { deliveryId },
                opts: {
                  jobId: `dup${k}-${deliverWebhookJobId(deliveryId)}`,
                  attempts: retry.maxAttempts,
                  backoff: { type: "fixed", delay: 10 },
                },
              })),
            ),
          );
        },
      };
      const route = processReminderJob(deps, queue);
      const processor = (sluggish: boolean) => async (job: Job, token?: string) => {
        if (job.name === SEND_REMINDER) runs += 1;
        if (job.name === DELIVER_WEBHOOK) webhookRuns += 1;
        // A sluggish worker lets its lock lapse before working: the job is taken back and run again.
        if (sluggish) await new Promise((r) => setTimeout(r, 400));
        const result = await route(job as Parameters<typeof route>[0], token);
        if (job.name === SEND_REMINDER && job.attemptsMade === 0 && oneInThree(job.id!)) {
          forcedRetries += 1;
          throw new Error("forced retry: the work committed, the acknowledgement is lost");
        }
        return result;
      };
      for (const sluggish of [false, false, true, true]) {
        const w = new Worker(QUEUE_NAMES.reminders, processor(sluggish), {
          connection: bullConnection(db.config.redisUrl, "worker"),
          prefix: db.config.redisPrefix,
          concurrency: 6,
          stalledInterval: 200,
          maxStalledCount: 1000,
          ...(sluggish ? { lockDuration: 300, skipLockRenewal: true } : {}),
        });
        w.on("error", () => {}); // a sluggish worker finishing a job taken back from it: expected
        workers.push(w);
      }

      await queue.addBulk(
        reminders.flatMap((p) =>
          Array.from({ length: DUPLICATES + 1 }, (_, k) => ({
            name: SEND_REMINDER,
            data: p,
            opts: {
              ...SEND_REMINDER_OPTIONS,
              backoff: { type: "fixed", delay: 10 },
              jobId: k === 0 ? sendReminderJobId(p) : `dup${k}-${sendReminderJobId(p)}`,
            },
          })),
        ),
      );

      const overdue = reminders.filter((p) => p.kind === "overdue_2").length;
      await waitFor(
        "every job to finish",
        async () => {
          const c = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
          return (
            c.wait + c.active + c.delayed + c.prioritized === 0 &&
            receiver.received.length >= overdue &&
            runs >= reminders.length * (DUPLICATES + 1)
          );
        },
        240_000,
      );
      await Promise.all(workers.map((w) => w.close()));

      // The forcing happened: over 1,000 runs beyond the first of each reminder.
      const redeliveries = runs - reminders.length;
      expect(redeliveries).toBeGreaterThanOrEqual(1000);
      expect(forcedRetries).toBeGreaterThan(0);
      expect(dataCommands).toBeGreaterThanOrEqual(5); // at least one refusal, retried
      expect(webhookRuns).toBeGreaterThan(overdue);
      expect(await queue.getJobCounts("failed")).toEqual({ failed: 0 });

      // Exactly once per unique key and channel.
      const ids = reminders.map((p) => p.assignmentId);
      const [dupes] = await db.ds.query(
        `SELECT COUNT(*) AS c FROM (SELECT 1 FROM reminder_delivery WHERE assignment_id IN (?)
           GROUP BY assignment_id, kind, due_date, recipient_user_id, channel HAVING COUNT(*) > 1) d`,
        [ids],
      );
      expect(Number(dupes.c)).toBe(0);
      const perChannel: Array<{ channel: string; c: string }> = await db.ds.query(
        "SELECT channel, COUNT(*) AS c FROM reminder_delivery WHERE assignment_id IN (?) GROUP BY channel ORDER BY channel",
        [ids],
      );
      const recipients = world.assigneeOfficers.length;
      expect(perChannel.map((r) => [r.channel, Number(r.c)])).toEqual([
        ["email", reminders.length * recipients],
        ["in_app", reminders.length * recipients],
      ]);
      const [notes] = await db.ds.query(
        "SELECT COUNT(*) AS c FROM notification WHERE kind IN ('reminder.due_today', 'reminder.overdue_2')",
      );
      expect(Number(notes.c)).toBe(reminders.length * recipients);

      // One e-mail per recipient and reminder, each Message-ID once.
      expect(mail).toHaveLength(reminders.length * recipients);
      expect(new Set(mail.map((m) => m.messageId)).size).toBe(mail.length);

      // One signed POST per webhook delivery (one per overdue reminder: one subscription).
      const [hooks] = await db.ds.query(
        "SELECT COUNT(*) AS c, SUM(status = 'succeeded') AS ok, SUM(attempts) AS attempts FROM webhook_delivery",
      );
      expect([Number(hooks.c), Number(hooks.ok), Number(hooks.attempts)]).toEqual([
        overdue,
        overdue,
        overdue,
      ]);
      expect(receiver.received).toHaveLength(overdue);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      expect(new Set(receiver.received.map((r) => r.headers["x-ntm-delivery"])).size).toBe(overdue);
      process.stdout.write(
        `redeliveries: ${redeliveries} extra send-reminder runs (${forcedRetries} forced retries, ` +
          `${Math.floor(dataCommands / 5)} SMTP refusals), ${webhookRuns} deliver-webhook runs for ${overdue} deliveries\n`,
      );
    } finally {
      await receiver.close();
    }
  });
});
