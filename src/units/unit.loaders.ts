import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { Unit } from "./unit.entity";

export const unitById = byIdLoader(Unit);
export const unitsByParent = byForeignKeyLoader(Unit, "parentId", { name: "ASC", id: "ASC" });

/** Ancestor ids from a materialised path, root first, the unit itself excluded. */
export function ancestorIds(path: string): number[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map(Number)
    .slice(0, -1);
}
