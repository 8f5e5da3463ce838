/**
 * A reminders worker in a process of its own for live.test.ts: the real worker and publisher
 * (what workers/index.ts starts) on a clock fixed at LIVE_NOW, so the test decides when
 * reminders are due. Prints "live worker ready"; stops on SIGTERM.
 */
import "reflect-metadata";
import { loadConfig } from "../../src/config/env";
import { createDataSource } from "../../src/db/data-source";
import { createLivePublisher } from "../../src/notifications/live";
import { createReminderQueue } from "../../src/reminders/reminder-queue";
import { createReminderWorker } from "../../src/reminders/reminder-worker";
import { FixedClock } from "../../src/shared/clock";

async function main(): Promise<void> {
  const config = loadConfig();
  const ds = createDataSource(config.database, { poolSize: 3 });
  await ds.initialize();
  const publisher = createLivePublisher(config.redisUrl, config.redisPrefix);
  const queue = createReminderQueue(config, "worker");
  const worker = createReminderWorker(
    {
      ds,
      clock: new FixedClock(new Date(process.env.LIVE_NOW ?? "")),
      timeZone: config.timeZone,
      lookaheadHours: 36,
      live: (events) => publisher.publish(events),
    },
    { config, concurrency: 1, queue },
  );
  await worker.waitUntilReady();
  process.stdout.write("live worker ready\n");
  process.once("SIGTERM", () => {
    void (async () => {
      await worker.close();
      await queue.close();
      await publisher.close();
      await ds.destroy();
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
