/**
 * Seeds the Bắc Kạn 2022 plan into DATABASE_URL (npm run seed): creates the database if missing,
 * applies pending migrations, then inserts whatever of the reference data and of the working
 * calendar (src/seed/calendar-vn.ts) is not there yet.
 * Prints the rows inserted per table as one JSON line; safe to run again (all zero the second time).
 */
import "reflect-metadata";
import { ConfigError, loadConfig } from "../src/config/env";
import { createDataSource, ensureDatabase } from "../src/db/data-source";
import { seedBacKan2022 } from "../src/seed/bac-kan-2022";
import { seedCalendar } from "../src/seed/calendar-vn";
import { seedDemoUsers } from "../src/seed/demo-users";
import { rebuildAllPlans } from "../src/rollup/rollup.service";
import { systemClock } from "../src/shared/clock";

async function main(): Promise<void> {
  const config = loadConfig();
  const { host, port, name } = config.database;
  try {
    await ensureDatabase(config.database);
  } catch (err) {
    throw new Error(`Cannot reach MariaDB at ${host}:${port} (database "${name}"): ${describe(err)}`);
  }
  const ds = createDataSource(config.database);
  try {
    await ds.initialize();
  } catch (err) {
    throw new Error(`Cannot connect to MariaDB database "${name}" at ${host}:${port}: ${describe(err)}`);
  }
  try {
    await ds.runMigrations({ transaction: "each" });
    const inserted = await seedBacKan2022(ds);
    const calendarDays = await seedCalendar(ds);
    const demoUsers = config.seedDemoUsers ? await seedDemoUsers(ds) : 0;
    // The dashboard reads the roll-up tables: fill them from what was just seeded.
    const progressPlans = await rebuildAllPlans({ ds, clock: systemClock, timeZone: config.timeZone });
    process.stdout.write(
      `${JSON.stringify({ database: name, inserted, calendarDays, demoUsers, progressPlans })}\n`,
    );
  } finally {
    await ds.destroy();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `Seeding failed: ${describe(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
