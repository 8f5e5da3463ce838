/**
 * Worker process entry point (npm run worker): the deadline reminders queue.
 *
 * Refuses to start when Redis could evict keys (maxmemory-policy other than noeviction): an
 * evicted job is a lost reminder. Then connects MariaDB, upserts the reconciler's job scheduler
 * (every 5 minutes, idempotent), and runs the reminders worker with REMINDER_CONCURRENCY jobs at
 * once. On SIGTERM or SIGINT it stops taking jobs, lets the running ones finish (at most
 * SHUTDOWN_TIMEOUT_MS; after that they are released to other workers), and exits 0.
 * With WORKER_METRICS_PORT set it also serves /health, /ready and /metrics (src/app/worker-http.ts).
 * Everything it starts is built in src/ (src/reminders/reminder-worker.ts), where tests build it too.
 */
import "reflect-metadata";
import { prepareRedis, StartupError, startWorkers } from "../src/app/bootstrap";
import { ConfigError, loadConfig } from "../src/config/env";
import { createDataSource } from "../src/db/data-source";
import { databaseCheck, migrationsCheck, redisClientCheck } from "../src/app/ready";
import { startOpsListener } from "../src/app/worker-http";
import { createRedis } from "../src/queue/connection";
import { QUEUE_NAMES } from "../src/queue/queues";
import { watchQueueDepth } from "../src/shared/metrics";
import { createLogger } from "../src/shared/logger";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await prepareRedis(config);
  const { host, port, name } = config.database;
  const ds = createDataSource(config.database, { poolSize: config.reminders.concurrency + 2 });
  try {
    await ds.initialize();
  } catch (err) {
    throw new StartupError(
      `Cannot connect to MariaDB database "${name}" at ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const service = await startWorkers(config, ds, logger);
  const unwatchers = [service.reminders.queue, service.rollup.queue].map((q) =>
    watchQueueDepth(q.name, () => q.getJobCounts()),
  );
  const unwatch = () => unwatchers.forEach((u) => u());
  // /health, /ready and /metrics for the container's health check and Prometheus (WORKER_METRICS_PORT).
  const probeRedis = createRedis(config.redisUrl);
  probeRedis.on("error", () => {});
  const ops =
    config.ops.workerMetricsPort === null
      ? null
      : await startOpsListener({
          ops: config.ops,
          checks: [databaseCheck(ds), redisClientCheck(probeRedis), migrationsCheck(ds)],
          logger,
          port: config.ops.workerMetricsPort,
          host: config.ops.workerMetricsHost,
        });
  if (ops) logger.info({ port: ops.port }, "worker health and metrics listening");
  logger.info(
    {
      queues: [QUEUE_NAMES.reminders, QUEUE_NAMES.rollup],
      prefix: config.redisPrefix,
      concurrency: config.reminders.concurrency,
    },
    "worker ready",
  );

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "worker shutting down: finishing the jobs in hand");
    // Jobs still running after SHUTDOWN_TIMEOUT_MS are left to BullMQ: their lock lapses and
    // another worker takes them up again (handlers are idempotent), so nothing is lost.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.warn("worker shutdown: jobs still running after the timeout are released to other workers");
        resolve();
      }, config.ops.shutdownTimeoutMs);
    });
    Promise.race([service.close(), timedOut])
      .then(() => clearTimeout(timer))
      .then(() => unwatch())
      .then(() => ops?.close())
      .then(() => probeRedis.quit().catch(() => undefined))
      .then(() => ds.destroy())
      .then(() => {
        logger.info("worker stopped");
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, "error during worker shutdown");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StartupError;
  process.stderr.write(`${known ? (err as Error).message : String(err)}\n`);
  process.exit(1);
});
