import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity.js";

/**
 * The optimistic-concurrency write every state-changing mutation uses:
 * `UPDATE … SET …, version = version + 1 WHERE id = ? AND version = ?`. A stale version changes
 * nothing and reports the row's current version (0 when the row is gone). The UPDATE also takes
 * the row lock, so what the caller does next in its transaction runs one request at a time.
 */
export async function updateIfVersion<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: number,
  version: number,
  set: QueryDeepPartialEntity<T> = {},
): Promise<{ ok: true } | { ok: false; current: number }> {
  const result = await manager
    .createQueryBuilder()
    .update(entity)
    .set({ ...set, version: () => "version + 1" } as QueryDeepPartialEntity<T>)
    .where("id = :id AND version = :version", { id, version })
    .execute();
  if (result.affected === 1) return { ok: true };
  const table = manager.getRepository(entity).metadata.tableName;
  const [row] = await manager.query(`SELECT version FROM \`${table}\` WHERE id = ?`, [id]);
  return { ok: false, current: Number(row?.version ?? 0) };
}
