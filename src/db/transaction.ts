import type { DataSource, EntityManager } from "typeorm";

/**
 * A unit of work: an EntityManager bound to one transaction plus callbacks to run only after it
 * commits (enqueueing jobs, publishing events). TypeORM has no after-commit hook of its own.
 */
export interface UnitOfWork {
  manager: EntityManager;
  afterCommit(fn: () => Promise<void> | void): void;
}

export async function withTransaction<T>(ds: DataSource, fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const callbacks: Array<() => Promise<void> | void> = [];
  const result = await ds.transaction(async (manager) =>
    fn({ manager, afterCommit: (cb) => callbacks.push(cb) }),
  );
  for (const cb of callbacks) await cb();
  return result;
}
