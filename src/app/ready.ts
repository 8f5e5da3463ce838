/**
 * Readiness (/ready): the process can do its work now. MariaDB answers, Redis answers, and every
 * migration the code knows (migrations/index.ts, loaded by the DataSource) is recorded as applied.
 * Each check has a short timeout, so /ready answers within about two seconds even when a service
 * hangs. The body names what failed without internals (addresses and driver messages go to the
 * log only). /health, by contrast, only says the process is up.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import type { Logger } from "../shared/logger";

export interface ReadinessCheck {
  name: string;
  /** Resolves with "ok" or a short public reason ("2 pending"); throws when the service fails. */
  run(): Promise<string>;
}

export interface ReadinessReport {
  ready: boolean;
  /** check name -> "ok", a short reason, "error" or "timeout". */
  checks: Record<string, string>;
}

export const READY_TIMEOUT_MS = 2000;

class TimeoutError extends Error {}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function databaseCheck(ds: DataSource): ReadinessCheck {
  return {
    name: "mariadb",
    async run() {
      if (!ds.isInitialized) throw new Error("DataSource is not initialized");
      await ds.query("SELECT 1");
      return "ok";
    },
  };
}

/** `ping` is the process's own connection (or queue client); it must fail fast when offline. */
export function redisCheck(ping: () => Promise<unknown>): ReadinessCheck {
  return {
    name: "redis",
    async run() {
      await ping();
      return "ok";
    },
  };
}

export function redisClientCheck(redis: Redis): ReadinessCheck {
  return redisCheck(() => redis.ping());
}

/** The names of the migrations this code knows that the database has not recorded as applied. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const table = ds.options.migrationsTableName ?? "migrations";
  const rows: Array<{ name: string }> = await ds.query(`SELECT name FROM \`${table}\``);
  const applied = new Set(rows.map((r) => r.name));
  return ds.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
}

export function migrationsCheck(ds: DataSource): ReadinessCheck {
  return {
    name: "migrations",
    async run() {
      if (!ds.isInitialized) throw new Error("DataSource is not initialized");
      const pending = await pendingMigrations(ds);
      if (pending.length > 0) throw new PublicReason(`${pending.length} pending: ${pending.join(", ")}`);
      return "ok";
    },
  };
}

/** A failure whose message is safe to show (it names no host, address or driver). */
export class PublicReason extends Error {}

/** Runs every check at once, each within `timeoutMs`. */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  opts: { timeoutMs?: number; logger?: Logger } = {},
): Promise<ReadinessReport> {
  const timeoutMs = opts.timeoutMs ?? READY_TIMEOUT_MS;
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, string, boolean]> => {
      try {
        return [c.name, await within(c.run(), timeoutMs), true];
      } catch (err) {
        opts.logger?.warn({ check: c.name, err }, "readiness check failed");
        if (err instanceof TimeoutError) return [c.name, "timeout", false];
        if (err instanceof PublicReason) return [c.name, err.message, false];
        return [c.name, "error", false];
      }
    }),
  );
  return {
    ready: results.every(([, , ok]) => ok),
    checks: Object.fromEntries(results.map(([name, status]) => [name, status])),
  };
}

/**
 * GET /ready: 200 {"status":"ready","checks":{...}} or 503 {"status":"unavailable",...}.
 * `stopping()` true (SIGTERM received): 503 with checks.shutdown = "in progress", so a load
 * balancer stops sending before the process goes away.
 */
export function createReadyHandler(
  checks: readonly ReadinessCheck[],
  opts: { logger?: Logger; timeoutMs?: number; stopping?: () => boolean } = {},
) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const report = await checkReadiness(checks, opts);
    if (opts.stopping?.()) {
      report.ready = false;
      report.checks.shutdown = "in progress";
    }
    const body = JSON.stringify({ status: report.ready ? "ready" : "unavailable", checks: report.checks });
    res.writeHead(report.ready ? 200 : 503, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    });
    res.end(body);
  };
}
