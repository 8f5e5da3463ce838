import type { DataSource } from "typeorm";
import type { Config } from "../config/env";
import { createDataSource, ensureDatabase } from "../db/data-source";
import { checkRedis } from "../queue/connection";
import { createMailer } from "../notifications/email";
import { createLivePublisher } from "../notifications/live";
import { assertNoEviction, EvictionPolicyError } from "../queue/redis-policy";
import { type ReminderService, startReminderService } from "../reminders/reminder-worker";
import { rebuildAllPlans } from "../rollup/rollup.service";
import { type RollupService, startRollupService } from "../rollup/rollup-worker";
import { systemClock } from "../shared/clock";
import type { Logger } from "../shared/logger";
import { isDatabaseEmpty, seedBacKan2022 } from "../seed/bac-kan-2022";
import { seedCalendar } from "../seed/calendar-vn";
import { seedDemoUsers } from "../seed/demo-users";

export class StartupError extends Error {}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Everything the API needs before it listens: the database (created if missing, migrated, seeded
 * when empty) and a Redis that answers. Each failure is one clear sentence.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<DataSource> {
  const { host, port, name } = config.database;
  try {
    await ensureDatabase(config.database);
  } catch (err) {
    throw new StartupError(`Cannot reach MariaDB at ${host}:${port} (database "${name}"): ${describe(err)}`);
  }
  const ds = createDataSource(config.database);
  try {
    await ds.initialize();
  } catch (err) {
    throw new StartupError(
      `Cannot connect to MariaDB database "${name}" at ${host}:${port}: ${describe(err)}`,
    );
  }
  const applied = await ds.runMigrations({ transaction: "each" });
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  if (config.seedOnStart && (await isDatabaseEmpty(ds))) {
    const summary = await seedBacKan2022(ds);
    logger.info({ summary }, "empty database seeded with the Bắc Kạn 2022 plan (Kế hoạch 125/KH-UBND)");
    // Demo accounts (one per role, README) only outside production, and only on a fresh database.
    if (config.seedDemoUsers) {
      const users = await seedDemoUsers(ds);
      logger.info({ users }, "demo users seeded (see README; never in production)");
    }
    // Fill the roll-up tables so a fresh dashboard shows the seeded state at once.
    const plans = await rebuildAllPlans({ ds, clock: systemClock, timeZone: config.timeZone });
    logger.info({ plans }, "progress roll-up rebuilt");
  }
  // The working calendar (holidays, days off, worked Saturdays): idempotent, so every start adds
  // the days a newer release knows and the table lacks.
  if (config.seedOnStart) {
    const days = await seedCalendar(ds);
    if (days > 0) logger.info({ days }, "working calendar 2022–2027 seeded (src/seed/calendar-vn.ts)");
  }
  return ds;
}

export async function prepareRedis(config: Config): Promise<void> {
  try {
    await checkRedis(config.redisUrl);
  } catch (err) {
    const u = new URL(config.redisUrl);
    throw new StartupError(`Cannot reach Redis at ${u.hostname}:${u.port || 6379}: ${describe(err)}`);
  }
}

export interface Workers {
  reminders: ReminderService;
  rollup: RollupService;
  close(): Promise<void>;
}

/**
 * Starts the reminder and roll-up workers on `ds`, after checking that Redis keeps every key (an evicted job
 * is a lost reminder). Used by the worker process and, unless START_WORKERS=false, by the API's.
 */
export async function startWorkers(config: Config, ds: DataSource, logger: Logger): Promise<Workers> {
  try {
    await assertNoEviction(config.redisUrl);
  } catch (err) {
    if (err instanceof EvictionPolicyError) throw new StartupError(`Worker not started: ${err.message}`);
    throw err;
  }
  // New in-app notifications reach the API processes' live subscribers through Redis pub/sub.
  const live = createLivePublisher(config.redisUrl, config.redisPrefix, logger);
  const reminders = await startReminderService(
    {
      ds,
      clock: systemClock,
      timeZone: config.timeZone,
      lookaheadHours: config.reminders.lookaheadHours,
      // A non-pooled transport: it holds no connection between messages, so nothing to close.
      mailer: createMailer(config.mail),
      webhookRetry: config.webhooks,
      live: (events) => live.publish(events),
      calendarCacheMs: 60_000,
      logger,
    },
    { config, concurrency: config.reminders.concurrency },
  );
  const rollup = await startRollupService(
    { ds, clock: systemClock, timeZone: config.timeZone },
    { config, concurrency: 2, logger },
  );
  return {
    reminders,
    rollup,
    async close() {
      await rollup.close();
      await reminders.close();
      await live.close();
    },
  };
}
