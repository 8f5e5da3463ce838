/**
 * The worker process's small HTTP listener (WORKER_METRICS_PORT): /health (process up, for the
 * container's health check), /ready (MariaDB, Redis, migrations: src/app/ready.ts) and /metrics
 * (same access rule as the API's: METRICS_TOKEN or METRICS_ALLOW). Nothing else is served.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../config/env";
import type { Logger } from "../shared/logger";
import { enableProcessMetrics } from "../shared/metrics";
import { createMetricsHandler } from "./metrics";
import { createReadyHandler, type ReadinessCheck } from "./ready";

export interface OpsListener {
  port: number;
  close(): Promise<void>;
}

export async function startOpsListener(opts: {
  ops: Config["ops"];
  checks: readonly ReadinessCheck[];
  logger: Logger;
  port: number;
  host: string;
}): Promise<OpsListener> {
  enableProcessMetrics();
  let closing = false;
  const ready = createReadyHandler(opts.checks, { logger: opts.logger, stopping: () => closing });
  const metrics = createMetricsHandler(opts.ops);
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const run =
      path === "/health"
        ? Promise.resolve(
            void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
          )
        : path === "/ready"
          ? ready(req, res)
          : path === "/metrics"
            ? metrics(req, res)
            : Promise.resolve(
                void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}'),
              );
    run.catch((err: unknown) => {
      opts.logger.error({ err }, "worker ops request failed");
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
