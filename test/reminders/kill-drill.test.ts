/**
 * Drill: a worker process killed with SIGKILL in the middle of sending a reminder. The worker is a
 * real child process (drill-worker.ts: the real reminders worker on a fixed clock, BullMQ's lock
 * shortened to 1 s), the SMTP server is real and in this test, MariaDB and Redis are the real ones.
 * The worker is paused mid-send deterministically (an SMTP server that holds its answer to DATA;
 * a row lock this test holds on the delivery table), killed, and a new worker started: BullMQ's
 * stalled-job check puts the job back and the new worker finishes it. Each drill counts delivery
 * rows, notifications and messages received.
 */
import type { AddressInfo } from "node:net";
import type { Queue } from "bullmq";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import type { QueryRunner } from "typeorm";
import {
  SEND_REMINDER,
  SEND_REMINDER_OPTIONS,
  sendReminderJobId,
  type SendReminderPayload,
} from "../../src/reminders/jobs/send-reminder.job";
import { addReminderJob, createReminderQueue, type ReminderQueue } from "../../src/reminders/reminder-queue";
import { emailIdKey } from "../../src/reminders/deliver-email";
import { messageIdOf } from "../../src/notifications/email";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import { createTestDb, type TestDb } from "../helpers/db";
import { type RunningProcess, runTsEntry } from "./processes";
import { makeReminderWorld, type ReminderWorld, waitFor } from "./world";

/**
 * due_today of a task due Monday 06/02/2023 goes out at 08:00 local that day. The reconciler each
 * worker runs at start finds nothing else in its window (before_1 was Friday, more than a day back;
 * the first overdue rung is Wednesday), so every row and message here is the drilled job's.
 */
const DUE = "2023-02-06";
const FIRE_AT = "2023-02-06T01:00:00.000Z";
const MAIL_FROM = '"Văn phòng Điều phối NTM" <no-reply@ntm.backan.gov.vn>';

interface Message {
  to: string[];
  raw: string;
  messageId: string;
}

/** What the SMTP server does with the next message: answer, hold the answer, or store it then hold. */
type Mode = "answer" | "hold" | "store-then-hold";

jest.setTimeout(180_000);

describe("drill: SIGKILL in the middle of sending (real worker process, real SMTP server)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let server: SMTPServer;
  let smtpUrl: string;
  let queue: ReminderQueue;
  const received: Message[] = [];
  let nextMode: Mode = "answer";
  let held: (() => void) | null = null;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onData(stream: SMTPServerDataStream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const message = {
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? "",
          };
          const mode = nextMode;
          nextMode = "answer";
          if (mode === "answer") {
            received.push(message);
            callback();
            return;
          }
          // The whole message is here; the 250 that tells the sender it was accepted is held.
          if (mode === "store-then-hold") received.push(message);
          held = () => callback(new Error("the sender went away"));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    queue = createReminderQueue(db.config, "worker");
  });

  afterAll(async () => {
    for (const p of running)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(running.map((p) => p.exited));
    await (queue as Queue).obliterate({ force: true });
    await queue.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  });

  async function startWorker(): Promise<RunningProcess> {
    const p = runTsEntry("test/reminders/drill-worker.ts", {
      DATABASE_URL: db.config.databaseUrl,
      REDIS_URL: db.config.redisUrl,
      REDIS_PREFIX: db.config.redisPrefix,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      REMINDER_CONCURRENCY: "2",
      SMTP_URL: smtpUrl,
      MAIL_FROM,
      DRILL_NOW: FIRE_AT,
    });
    running.push(p);
    await p.waitForOutput("drill worker ready", 90_000);
    return p;
  }

  async function kill9(p: RunningProcess): Promise<void> {
    p.child.kill("SIGKILL");
    expect(await p.exited).toEqual({ code: null, signal: "SIGKILL" });
  }

  async function stop(p: RunningProcess): Promise<void> {
    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
  }

  /** Delivery rows of `assignmentId` per channel, as "user:channel" (one per delivery, sorted). */
  async function deliveryRows(assignmentId: number): Promise<string[]> {
    const rows: Array<{ recipient_user_id: number; channel: string }> = await db.ds.query(
      "SELECT recipient_user_id, channel FROM reminder_delivery WHERE assignment_id = ? ORDER BY channel, recipient_user_id",
      [assignmentId],
    );
    return rows.map((r) => `${r.recipient_user_id}:${r.channel}`);
  }

  const officers = () => [...world.assigneeOfficers].sort((a, b) => a.id - b.id);

  function expectedRows(): string[] {
    const ids = officers().map((u) => u.id);
    return [...ids.map((id) => `${id}:email`), ...ids.map((id) => `${id}:in_app`)];
  }

  /** Users notified about the task of `assignmentId` (each has its own task), ascending. */
  async function notificationsFor(assignmentId: number, taskId: number): Promise<number[]> {
    const rows: Array<{ user_id: number }> = await db.ds.query(
      "SELECT user_id FROM notification WHERE link = ? ORDER BY user_id",
      [toGlobalId("Task", taskId)],
    );
    const [unlinked] = await db.ds.query(
      "SELECT COUNT(*) AS c FROM reminder_delivery WHERE assignment_id = ? AND channel = 'in_app' AND notification_id IS NULL",
      [assignmentId],
    );
    expect(Number(unlinked.c)).toBe(0);
    return rows.map((r) => Number(r.user_id));
  }

  /** Messages received for `address` about `assignmentId` (the same people get every drill's). */
  const messagesTo = (address: string, assignmentId: number) =>
    received.filter((m) => m.to.includes(address) && m.messageId.startsWith(`<rem-${assignmentId}-`));

  async function enqueue(assignmentId: number): Promise<string> {
    const p: SendReminderPayload = { assignmentId, kind: "due_today", dueDate: DUE };
    await addReminderJob(queue, SEND_REMINDER, p, { ...SEND_REMINDER_OPTIONS, jobId: sendReminderJobId(p) });
    return sendReminderJobId(p);
  }

  async function completed(jobId: string): Promise<void> {
    await waitFor(
      `job ${jobId} to complete`,
      async () => (await (await queue.getJob(jobId))?.getState()) === "completed",
      60_000,
    );
  }

  it("killed while the SMTP server holds its answer to DATA: in the app once, each e-mail once", async () => {
    const a = await world.assignment(DUE);
    const before = received.length;
    nextMode = "hold";
    const first = await startWorker();
    const jobId = await enqueue(a.id);

    // Paused mid-send: the in-app part is committed, the first e-mail's claim is open in a
    // transaction while the server holds its answer.
    await waitFor("the SMTP server to hold a message", async () => held !== null, 60_000);
    const ids = officers().map((u) => u.id);
    expect(await deliveryRows(a.id)).toEqual(ids.map((id) => `${id}:in_app`));
    await kill9(first);
    held!();
    held = null;

    const second = await startWorker();
    await completed(jobId);
    await stop(second);

    expect(await deliveryRows(a.id)).toEqual(expectedRows());
    expect(await notificationsFor(a.id, a.taskId)).toEqual(ids);
    expect(received.length - before).toBe(2);
    for (const u of officers()) {
      const mine = messagesTo(u.email, a.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].messageId).toBe(
        messageIdOf(emailIdKey({ assignmentId: a.id, kind: "due_today", dueDate: DUE }, u.id), MAIL_FROM),
      );
    }
  });

  it("killed while its in-app INSERT waits on a row lock: delivered once after the restart", async () => {
    const a = await world.assignment(DUE);
    const before = received.length;
    const [firstOfficer] = officers();
    // This test takes the first recipient's in-app delivery key in a transaction it keeps open: the
    // worker's INSERT IGNORE on that key waits for it.
    const blocker: QueryRunner = db.ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(
      "INSERT INTO reminder_delivery (assignment_id, kind, due_date, recipient_user_id, channel) VALUES (?, 'due_today', ?, ?, 'in_app')",
      [a.id, DUE, firstOfficer.id],
    );
    const first = await startWorker();
    const jobId = await enqueue(a.id);
    try {
      await waitFor(
        "the worker's transaction to wait for the lock",
        async () => {
          // The worker's INSERT on the locked key cannot finish while the blocker holds it: seeing it
          // in the process list is seeing it wait. (INNODB_TRX does not always list the waiting
          // transaction on MariaDB 10.11, so the process list is the dependable witness.)
          const [row] = await db.ds.query(
            `SELECT COUNT(*) AS c FROM information_schema.PROCESSLIST
              WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE 'INSERT IGNORE INTO reminder_delivery%'`,
            [db.config.database.name],
          );
          return Number(row.c) > 0;
        },
        60_000,
      );
      await kill9(first);
    } finally {
      // Never leave this worker running into the next drill, even when the wait above failed.
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
      // The blocker gives way; the killed worker's transaction is rolled back by the server.
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect(await deliveryRows(a.id)).toEqual([]);

    const second = await startWorker();
    await completed(jobId);
    await stop(second);

    const ids = officers().map((u) => u.id);
    expect(await deliveryRows(a.id)).toEqual(expectedRows());
    expect(await notificationsFor(a.id, a.taskId)).toEqual(ids);
    expect(received.length - before).toBe(2);
    for (const u of officers()) expect(messagesTo(u.email, a.id)).toHaveLength(1);
  });

  it("the one repeat left: killed after the server stored the message, before the worker heard 250 — same Message-ID", async () => {
    const a = await world.assignment(DUE);
    const before = received.length;
    nextMode = "store-then-hold";
    const first = await startWorker();
    const jobId = await enqueue(a.id);
    await waitFor("the SMTP server to store and hold a message", async () => held !== null, 60_000);
    await kill9(first);
    held!();
    held = null;

    const second = await startWorker();
    await completed(jobId);
    await stop(second);

    const [u1, u2] = officers();
    expect(await deliveryRows(a.id)).toEqual(expectedRows()); // one row each: MariaDB saw one delivery
    expect(await notificationsFor(a.id, a.taskId)).toEqual([u1.id, u2.id]);
    // The server got the first e-mail twice (the worker died before knowing it was accepted) —
    // at least once, never lost — with one Message-ID, which mail servers and clients deduplicate.
    const first1 = messagesTo(u1.email, a.id);
    expect(first1).toHaveLength(2);
    expect(new Set(first1.map((m) => m.messageId)).size).toBe(1);
    expect(messagesTo(u2.email, a.id)).toHaveLength(1);
    expect(received.length - before).toBe(3);
  });
});
