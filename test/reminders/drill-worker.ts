/**
 * A reminders worker process for the drills (kill-drill.test.ts): the real worker
 * (startReminderService, the real handlers, nodemailer on SMTP_URL) on a clock fixed at DRILL_NOW,
 * with BullMQ's job lock and stalled-job check shortened (DRILL_LOCK_MS, DRILL_STALLED_MS) so that
 * a job whose worker was killed goes back to the queue within a second or two instead of a minute.
 * Prints "drill worker ready"; on SIGTERM finishes its jobs and exits 0.
 */
import "reflect-metadata";
import { loadConfig } from "../../src/config/env";
import { createDataSource } from "../../src/db/data-source";
import { createMailer } from "../../src/notifications/email";
import { startReminderService } from "../../src/reminders/reminder-worker";
import { FixedClock } from "../../src/shared/clock";
import { createLogger } from "../../src/shared/logger";

async function main(): Promise<void> {
  const config = loadConfig();
  const ds = createDataSource(config.database, { poolSize: 4 });
  await ds.initialize();
  const service = await startReminderService(
    {
      ds,
      clock: new FixedClock(new Date(process.env.DRILL_NOW ?? "")),
      timeZone: config.timeZone,
      lookaheadHours: config.reminders.lookaheadHours,
      mailer: createMailer(config.mail),
      webhookRetry: config.webhooks,
      logger: createLogger(config.logLevel),
    },
    {
      config,
      concurrency: config.reminders.concurrency,
      reconcileEveryMs: 3_600_000,
      lockDurationMs: Number(process.env.DRILL_LOCK_MS ?? 1000),
      stalledIntervalMs: Number(process.env.DRILL_STALLED_MS ?? 300),
    },
  );
  process.stdout.write("drill worker ready\n");
  process.on("SIGTERM", () => {
    service
      .close()
      .then(() => ds.destroy())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
