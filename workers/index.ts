/**
 * Worker process entry point (npm run worker). Queues and their handlers are registered here as
 * they land (deadline reminders, roll-ups); today there are none, so the process only checks that
 * MariaDB and Redis answer, reports that it is idle, and exits cleanly on SIGTERM or SIGINT.
 */
import "reflect-metadata";
import { prepareRedis, StartupError } from "../src/app/bootstrap";
import { ConfigError, loadConfig } from "../src/config/env";
import { createDataSource } from "../src/db/data-source";
import { createLogger } from "../src/shared/logger";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await prepareRedis(config);
  const ds = createDataSource(config.database, { poolSize: 2 });
  await ds.initialize();
  logger.info({ queues: [] }, "worker ready (no queues are defined yet)");
  const keepAlive = setInterval(() => {}, 60_000);
  const stop = (signal: string) => {
    logger.info({ signal }, "worker shutting down");
    clearInterval(keepAlive);
    ds.destroy().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StartupError;
  process.stderr.write(`${known ? (err as Error).message : String(err)}\n`);
  process.exit(1);
});
