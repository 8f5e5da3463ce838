/**
 * How roll-up writes run: under the roll-up lock of each plan they touch, in one READ COMMITTED
 * transaction.
 *
 * - READ COMMITTED: the roll-up's INSERT … SELECT statements read the source tables (assessments,
 *   recognitions, assignments, units) as consistent reads, without locks. Under REPEATABLE READ
 *   InnoDB takes shared next-key locks on every source row an INSERT … SELECT reads: the nightly
 *   rebuild then held the whole country's assessments for its transaction, and a roll-up and a
 *   commune recording an assessment deadlocked on the gap locks of the assessment index. A change
 *   the roll-up did not see yet is not lost: its own roll-up is enqueued after it commits.
 * - The plan lock (a MariaDB named lock per plan, taken in plan id order, so two roll-ups never
 *   wait on each other in a cycle): at most one roll-up writes a plan's rows at a time, and every
 *   statement of the next one starts after the previous one committed, so a district summing its
 *   communes reads their latest rows without locking them.
 */
import type { DataSource, EntityManager } from "typeorm";

/** How long a roll-up waits for a plan's lock before giving up (the job is retried). */
export const PLAN_LOCK_TIMEOUT_S = 60;

export class PlanLockTimeoutError extends Error {
  constructor(planId: number) {
    super(`roll-up lock of plan ${planId} not obtained within ${PLAN_LOCK_TIMEOUT_S} s`);
  }
}

/**
 * Runs `work` in a READ COMMITTED transaction holding the roll-up locks of `planIds`. Named locks
 * are server-wide, so their names carry a digest of the database name.
 */
export async function withPlanLocks<T>(
  ds: DataSource,
  planIds: readonly number[],
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = ds.createQueryRunner("master");
  await runner.connect();
  try {
    for (const id of [...new Set(planIds)].sort((a, b) => a - b)) {
      const [row] = (await runner.query(
        "SELECT GET_LOCK(CONCAT('rollup:', MD5(DATABASE()), ':', ?), ?) AS got",
        [id, PLAN_LOCK_TIMEOUT_S],
      )) as Array<{ got: number | string | null }>;
      if (Number(row?.got) !== 1) throw new PlanLockTimeoutError(id);
    }
    await runner.startTransaction("READ COMMITTED");
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    }
  } finally {
    // A connection that cannot answer here has lost its locks with it.
    await runner.query("SELECT RELEASE_ALL_LOCKS()").catch(() => undefined);
    await runner.release();
  }
}
