import "reflect-metadata";
import { prepareDatabase, prepareRedis, StartupError, startWorkers } from "./app/bootstrap";
import { createServer } from "./app/server";
import { ConfigError, loadConfig } from "./config/env";
import { createRedis } from "./queue/connection";
import { createLogger } from "./shared/logger";

/** API process: config -> database -> Redis check -> Apollo on node:http (and the workers, unless turned off). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting and its default.\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);

  try {
    await prepareRedis(config);
    const ds = await prepareDatabase(config, logger);
    const redis = createRedis(config.redisUrl);
    const server = await createServer({ config, ds, redis, logger });
    const port = await server.listen();
    const shown = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    logger.info({ port }, "API listening");
    // npm start runs the reminder workers in the same process; a deployment with separate worker
    // processes (docker-compose) sets START_WORKERS=false here.
    const workers = config.startWorkers ? await startWorkers(config, ds, logger) : null;
    process.stdout.write(
      `NTM plan API ready: GraphQL at http://${shown}:${port}/graphql, health at http://${shown}:${port}/health\n`,
    );

    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      // Stop accepting, drain in-flight requests (SHUTDOWN_TIMEOUT_MS), then close everything.
      logger.info({ signal }, "shutting down: draining in-flight requests");
      server
        .stop()
        .then(() => workers?.close())
        .then(() => redis.quit())
        .then(() => ds.destroy())
        .then(() => {
          logger.info("stopped");
          process.exit(0);
        })
        .catch((err: unknown) => {
          logger.error({ err }, "error during shutdown");
          process.exit(1);
        });
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err }, "startup failed");
    process.exit(1);
  }
}

void main();
