import type { DataSource, EntityManager } from "typeorm";
import type { Logger } from "../shared/logger";

/** True when the DataSource was built with read replicas (DATABASE_REPLICA_URLS). */
export function hasReplicas(ds: DataSource): boolean {
  const options = ds.options as { replication?: { slaves?: unknown[] } };
  return (options.replication?.slaves?.length ?? 0) > 0;
}

/**
 * Runs `read` on a read replica when there is one, else on the primary. For reads that tolerate
 * replication lag (dashboards over rolled-up tables); a path that must see its own writes (a
 * mutation's payload, anything read back after a change) uses `ds` directly, which stays on the
 * primary. When no replica answers, the read falls back to the primary: a replica outage slows
 * dashboards down, it does not break them.
 */
export async function readFromReplica<T>(
  ds: DataSource,
  read: (manager: EntityManager) => Promise<T>,
  logger?: Pick<Logger, "warn">,
): Promise<T> {
  if (!hasReplicas(ds)) return read(ds.manager);
  const runner = ds.createQueryRunner("slave");
  let connected = false;
  try {
    await runner.connect();
    connected = true;
  } catch (err) {
    logger?.warn({ err: (err as Error).message }, "no read replica answers; reading from the primary");
  }
  try {
    return connected ? await read(runner.manager) : await read(ds.manager);
  } finally {
    await runner.release();
  }
}
