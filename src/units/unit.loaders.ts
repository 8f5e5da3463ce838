import DataLoader from "dataloader";
import type { Context } from "../shared/context";
import { rowsByForeignKey, rowsByIds } from "../shared/loaders";
import { type UnitSnapshot, unitDirectoryOf } from "./unit.directory";
import { Unit } from "./unit.entity";

/**
 * The units snapshot one request reads (unit.directory.ts), taken once per request so every unit
 * in a response comes from the same copy; null where the process keeps none (MariaDB then).
 */
const requestSnapshot = (ctx: Context) =>
  new DataLoader<0, UnitSnapshot | null>(async (keys) => {
    const directory = unitDirectoryOf(ctx.ds);
    const snapshot = directory ? await directory.snapshot(ctx.clock.now()) : null;
    return keys.map(() => snapshot);
  });

export function unitSnapshot(ctx: Context): Promise<UnitSnapshot | null> {
  return ctx.loaders.get(requestSnapshot).load(0);
}

/**
 * Units by id: from the snapshot, else one `WHERE id IN (...)` per tick. An id the snapshot lacks
 * (a unit inserted since it was taken, or no unit at all) is looked up in MariaDB, so a row that
 * points at a new unit never reads as NOT_FOUND while the snapshot catches up.
 */
export const unitById = (ctx: Context) =>
  new DataLoader<number, Unit | null>(
    async (ids) => {
      const snapshot = await unitSnapshot(ctx);
      if (!snapshot) return rowsByIds(ctx.ds, Unit, ids);
      const found = ids.map((id) => snapshot.byId.get(id) ?? null);
      const missing = ids.filter((_, i) => found[i] === null);
      if (missing.length === 0) return found;
      const fetched = new Map(
        (await rowsByIds(ctx.ds, Unit, missing)).filter((u) => u !== null).map((u) => [u.id, u]),
      );
      return found.map((u, i) => u ?? fetched.get(ids[i]) ?? null);
    },
    { maxBatchSize: 1000 },
  );

/** Children by name, then id: from the snapshot, else one `WHERE parent_id IN (...)` per tick. */
export const unitsByParent = (ctx: Context) =>
  new DataLoader<number, Unit[]>(
    async (ids) => {
      const snapshot = await unitSnapshot(ctx);
      if (snapshot) return ids.map((id) => [...(snapshot.children.get(id) ?? [])]);
      return rowsByForeignKey(ctx.ds, Unit, "parentId", { name: "ASC", id: "ASC" }, ids);
    },
    { maxBatchSize: 1000 },
  );

/** Ancestor ids from a materialised path, root first, the unit itself excluded. */
export function ancestorIds(path: string): number[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map(Number)
    .slice(0, -1);
}
