/**
 * What happens when sending goes wrong, end to end on the real worker, Redis, MariaDB, a real
 * webhook receiver (it verifies every signature) and a real SMTP server:
 *  - deliveries left pending because their enqueue failed (Redis down at commit) are queued again
 *    by the reconciler after a grace period, under their deterministic job ids, and sent once;
 *  - the `overdue` task event, produced by an overdue reminder rung: a failing receiver is
 *    retried with backoff, then the delivery is failed (listed, retryable), and a retry sends it once;
 *  - an e-mail that fails every attempt is not silent: an error log line and a counter.
 */
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { Job } from "bullmq";
import pino from "pino";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { withTransaction } from "../../src/db/transaction";
import { createMailer, type Mailer } from "../../src/notifications/email";
import { deliverWebhookJobId } from "../../src/notifications/jobs/deliver-webhook.job";
import {
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookSubscription,
} from "../../src/notifications/webhook.entity";
import { recordTaskEvent } from "../../src/notifications/webhook-events";
import { newWebhookSecret } from "../../src/notifications/webhook-post";
import { handleReconcile } from "../../src/reminders/jobs/reconcile.job";
import {
  SEND_REMINDER,
  SEND_REMINDER_OPTIONS,
  sendReminderJobId,
  type SendReminderPayload,
} from "../../src/reminders/jobs/send-reminder.job";
import {
  addReminderJob,
  createReminderQueue,
  enqueueOn,
  enqueueWebhookDeliveries,
} from "../../src/reminders/reminder-queue";
import { givenUpCount } from "../../src/reminders/reminder-metrics";
import { type ReminderService, startReminderService } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { createTestDb, type TestDb } from "../helpers/db";
import { makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "../reminders/world";
import { startReceiver } from "./receiver";

const RETRY = { maxAttempts: 3, backoffMs: 50 };
/** Wednesday 08/02/2023, 08:00 local: overdue_2 of a task due Monday 06/02. */
const NOW = "2023-02-08T01:00:00.000Z";
const DUE_MONDAY = "2023-02-06";

jest.setTimeout(120_000);

describe("webhook and e-mail recovery (real worker, receiver and SMTP server)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let service: ReminderService;
  let smtp: SMTPServer;
  let mailer: Mailer;
  let smtpRefuses = false;
  const logLines: Array<{ level: number; msg: string; jobId?: string; data?: unknown }> = [];
  const deps = () => ({
    ...reminderDeps(db.ds, NOW),
    webhookRetry: RETRY,
    mailer,
    logger: pino(
      { level: "info" },
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          logLines.push(JSON.parse(chunk.toString("utf8")));
          cb();
        },
      }),
    ),
  });

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onData(stream: SMTPServerDataStream, _session, callback) {
        stream.resume();
        stream.on("end", () =>
          smtpRefuses
            ? callback(Object.assign(new Error("Hộp thư tạm thời không nhận thư"), { responseCode: 451 }))
            : callback(),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      from: "no-reply@ntm.backan.gov.vn",
    })!;
    service = await startReminderService(deps(), {
      config: db.config,
      concurrency: 2,
      reconcileEveryMs: 3_600_000,
    });
  });

  afterAll(async () => {
    service.stopWatchdog();
    await service.queue.obliterate({ force: true });
    await service.close();
    mailer.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await db.drop();
  });

  async function subscribe(url: string, secret: string, events: string): Promise<WebhookSubscription> {
    const repo = db.ds.getRepository(WebhookSubscription);
    await repo.update({ orgId: world.assignee.id }, { active: false }); // earlier receivers are gone
    const ins = await repo.insert({ orgId: world.assignee.id, url, secret, events, active: true });
    return repo.findOneByOrFail({ id: Number(ins.identifiers[0].id) });
  }

  const deliveryOf = (id: number) => db.ds.getRepository(WebhookDelivery).findOneByOrFail({ id });

  /** A full reconcile run, as the scheduler's job runs it (webhooks queued on the worker's queue). */
  const reconcile = () =>
    handleReconcile(
      {
        ...deps(),
        enqueueWebhooks: (ids, opts) =>
          enqueueWebhookDeliveries(service.queue, ids, { ...RETRY, retry: opts?.retry }),
      },
      {},
      enqueueOn(service.queue),
    );

  /** Makes rows look untouched for 10 minutes (past the reconciler's 2-minute grace). */
  const age = (ids: number[]) =>
    db.ds.query("UPDATE webhook_delivery SET updated_at = NOW(3) - INTERVAL 10 MINUTE WHERE id IN (?)", [
      ids,
    ]);

  it("re-sends, once, deliveries left pending because Redis refused the enqueue at commit", async () => {
    const secret = newWebhookSecret();
    const receiver = await startReceiver(secret, () => 200);
    // A producer whose Redis is down: the enqueue after commit gives up (false), never throws.
    const down = createReminderQueue(
      { redisUrl: "redis://127.0.0.1:1", redisPrefix: db.config.redisPrefix },
      "producer",
    );
    try {
      await subscribe(receiver.url, secret, "assigned");
      const [a1, a2, fresh] = [
        await world.assignment("2023-02-10"),
        await world.assignment("2023-02-10"),
        await world.assignment("2023-02-10"),
      ];
      const ids = await withTransaction(db.ds, async (uow) => {
        const recorded = await recordTaskEvent(uow.manager, {
          event: "assigned",
          assignmentIds: [a1.id, a2.id],
        });
        uow.afterCommit(async () => {
          expect(await enqueueWebhookDeliveries(down, recorded, { ...RETRY, timeoutMs: 500 })).toBe(false);
        });
        return recorded;
      });
      const [freshId] = await recordTaskEvent(db.ds.manager, {
        event: "assigned",
        assignmentIds: [fresh.id],
      });
      expect(ids).toHaveLength(2);
      for (const id of [...ids, freshId])
        expect(await service.queue.getJob(deliverWebhookJobId(id))).toBeUndefined();

      // Within the grace period nothing is queued again (its own enqueue may still be on the way).
      expect((await reconcile()).webhooksRequeued).toBe(0);

      await age(ids);
      // Twice in a row, before the worker ran either: one job per delivery (deterministic ids).
      expect((await reconcile()).webhooksRequeued).toBe(2);
      await reconcile();
      await waitFor("both deliveries to succeed", async () => {
        const rows = await Promise.all(ids.map(deliveryOf));
        return rows.every((r) => r.status === WebhookDeliveryStatus.SUCCEEDED);
      });
      expect((await reconcile()).webhooksRequeued).toBe(0); // done: nothing pending past the grace
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      expect(receiver.received.map((r) => Number(r.headers["x-ntm-delivery"])).sort()).toEqual(
        [...ids].sort(),
      );
      for (const id of ids) expect(await deliveryOf(id)).toMatchObject({ attempts: 1, lastStatusCode: 200 });
      // The fresh one was left alone.
      expect(await deliveryOf(freshId)).toMatchObject({ status: WebhookDeliveryStatus.PENDING, attempts: 0 });

      // A retried generation (retryWebhookDelivery, its enqueue lost too) goes out under webhook-<id>-<attempts>.
      await db.ds.query("UPDATE webhook_delivery SET attempts = 3 WHERE id = ?", [freshId]);
      await age([freshId]);
      expect((await reconcile()).webhooksRequeued).toBe(1);
      await waitFor("the retried generation to succeed", async () =>
        (await deliveryOf(freshId)).status === WebhookDeliveryStatus.SUCCEEDED ? true : undefined,
      );
      expect(receiver.received).toHaveLength(3);
      expect(await deliveryOf(freshId)).toMatchObject({ attempts: 4, lastStatusCode: 200 });
    } finally {
      await down.close();
      await receiver.close();
    }
  });

  it("'overdue' from an overdue rung: signed, retried with backoff, failed and listed, then sent once on retry", async () => {
    const secret = newWebhookSecret();
    let status = 500;
    const receiver = await startReceiver(secret, () => status);
    const attempts: number[] = [];
    const backoffs: unknown[] = [];
    const onFailed = (job: Job | undefined) => {
      if (job?.name !== "deliver-webhook") return;
      attempts.push(job.attemptsMade);
      backoffs.push(job.opts.backoff);
    };
    service.worker.on("failed", onFailed);
    try {
      await subscribe(receiver.url, secret, "overdue,approved");
      const a = await world.assignment(DUE_MONDAY);
      const p: SendReminderPayload = { assignmentId: a.id, kind: "overdue_2", dueDate: DUE_MONDAY };
      await addReminderJob(service.queue, SEND_REMINDER, p, {
        ...SEND_REMINDER_OPTIONS,
        jobId: sendReminderJobId(p),
      });

      const delivery = await waitFor("the overdue delivery to fail", async () => {
        const [row] = await db.ds.getRepository(WebhookDelivery).find({ where: { event: "overdue" } });
        return row?.status === WebhookDeliveryStatus.FAILED ? row : undefined;
      });
      expect(delivery).toMatchObject({
        attempts: RETRY.maxAttempts,
        lastStatusCode: 500,
        lastError: "The receiver answered HTTP 500.",
        nextAttemptAt: null,
        dedupeKey: `overdue:a${a.id}:overdue_2:${DUE_MONDAY}`,
        payload: { assignmentId: a.id, taskId: a.taskId, orgId: world.assignee.id, status: "in_progress" },
      });
      // Retried by BullMQ with exponential backoff: the job carries it, and it failed twice before the last try.
      expect(attempts).toEqual([1, 2]);
      expect(backoffs).toEqual([1, 2].map(() => ({ type: "exponential", delay: RETRY.backoffMs })));
      expect(receiver.received).toHaveLength(RETRY.maxAttempts);
      for (const r of receiver.received) {
        expect(r.signatureValid).toBe(true);
        expect(r.headers["x-ntm-event"]).toBe("overdue");
        expect(r.headers["x-ntm-delivery"]).toBe(String(delivery.id));
        expect(JSON.parse(r.body)).toMatchObject({
          id: delivery.id,
          event: "overdue",
          data: { assignmentId: a.id },
        });
      }
      // Listed as failed (what failedWebhookDeliveries reads).
      const failed = await db.ds
        .getRepository(WebhookDelivery)
        .findBy({ status: WebhookDeliveryStatus.FAILED });
      expect(failed.map((d) => d.id)).toContain(delivery.id);

      // The same reminder again (a duplicate job) records no second event.
      await addReminderJob(service.queue, SEND_REMINDER, p, {
        ...SEND_REMINDER_OPTIONS,
        jobId: `again-${sendReminderJobId(p)}`,
      });
      await waitFor(
        "the duplicate job to finish",
        async () =>
          (await (await service.queue.getJob(`again-${sendReminderJobId(p)}`))?.getState()) === "completed",
      );
      expect(await db.ds.getRepository(WebhookDelivery).countBy({ event: "overdue" })).toBe(1);

      // Retried (what retryWebhookDelivery does): sent once more, and it succeeds.
      status = 200;
      await db.ds
        .getRepository(WebhookDelivery)
        .update({ id: delivery.id }, { status: WebhookDeliveryStatus.PENDING });
      await enqueueWebhookDeliveries(service.queue, [delivery.id], { ...RETRY, retry: delivery.attempts });
      await waitFor("the retried delivery to succeed", async () =>
        (await deliveryOf(delivery.id)).status === WebhookDeliveryStatus.SUCCEEDED ? true : undefined,
      );
      expect(receiver.received).toHaveLength(RETRY.maxAttempts + 1);
      expect(await deliveryOf(delivery.id)).toMatchObject({
        attempts: RETRY.maxAttempts + 1,
        lastStatusCode: 200,
      });
    } finally {
      service.worker.off("failed", onFailed);
      await receiver.close();
    }
  });

  it("an e-mail refused on every attempt is logged as an error and counted, the in-app part delivered once", async () => {
    const a = await world.assignment("2023-02-08");
    const p: SendReminderPayload = { assignmentId: a.id, kind: "due_today", dueDate: "2023-02-08" };
    const before = await givenUpCount(SEND_REMINDER);
    smtpRefuses = true;
    try {
      await addReminderJob(service.queue, SEND_REMINDER, p, {
        ...SEND_REMINDER_OPTIONS,
        attempts: 3,
        backoff: { type: "fixed", delay: 20 },
        jobId: sendReminderJobId(p),
      });
      await waitFor(
        "the job to fail for good",
        async () => (await (await service.queue.getJob(sendReminderJobId(p)))?.getState()) === "failed",
      );
    } finally {
      smtpRefuses = false;
    }
    await waitFor("the counter", async () => (await givenUpCount(SEND_REMINDER)) === before + 1);
    const line = logLines.find((l) => l.jobId === sendReminderJobId(p) && l.level === 50);
    expect(line).toMatchObject({
      msg: "reminder e-mail undelivered after every retry (in-app delivered); the job stays in the failed set",
      data: p,
    });
    const rows: Array<{ channel: string; c: string }> = await db.ds.query(
      "SELECT channel, COUNT(*) AS c FROM reminder_delivery WHERE assignment_id = ? GROUP BY channel",
      [a.id],
    );
    expect(rows.map((r) => [r.channel, Number(r.c)])).toEqual([["in_app", world.assigneeOfficers.length]]);
  });
});
