import type { DataSource, SelectQueryBuilder } from "typeorm";
import { checkDateRange } from "../shared/dates";
import { decodeId } from "../shared/ids";
import type { SortSpec } from "../shared/pagination";
import { escapeLike, foldDiacritics, hasDiacritics, lowerName } from "../shared/text";
import { Unit } from "./unit.entity";
import type { UnitFilter } from "./unit.inputs";

export const UNIT_SORT: SortSpec<Unit> = {
  name: "unit_path",
  direction: "ASC",
  keys: [
    { sql: "u.depth", value: (u) => u.depth },
    { sql: "u.name_folded", value: (u) => u.nameFolded },
    { sql: "u.id", value: (u) => u.id },
  ],
};

/**
 * A condition: `column` (a unit id) names the unit whose id is the named parameter `param`, or a
 * unit below it (its subtree, by path).
 */
export function unitIdInSubtree(column: string, param: string): string {
  return `${column} IN (SELECT d.id FROM admin_unit d WHERE d.path LIKE CONCAT((SELECT w.path FROM admin_unit w WHERE w.id = :${param}), '%'))`;
}

/** The filtered list of units as a query builder (alias `u`), no order or limit yet. */
export function unitListQuery(
  ds: DataSource,
  filter: UnitFilter | null | undefined,
): SelectQueryBuilder<Unit> {
  const qb = ds.getRepository(Unit).createQueryBuilder("u");
  if (!filter) return qb;
  if (filter.level) qb.andWhere("u.level = :level", { level: filter.level });
  if (filter.types && filter.types.length > 0) qb.andWhere("u.type IN (:...types)", { types: filter.types });
  if (filter.parentId)
    qb.andWhere("u.parent_id = :parentId", { parentId: decodeId("Unit", filter.parentId, "parentId") });
  if (filter.withinId) {
    const withinId = decodeId("Unit", filter.withinId, "withinId");
    qb.andWhere(
      "u.path LIKE CONCAT((SELECT w.path FROM admin_unit w WHERE w.id = :withinId), '%') AND u.id <> :withinId",
      { withinId },
    );
  }
  if (filter.code) qb.andWhere("u.code = :code", { code: filter.code });
  if (filter.search) {
    if (hasDiacritics(filter.search)) {
      qb.andWhere("u.name_lower LIKE :q", { q: `%${escapeLike(lowerName(filter.search))}%` });
    } else {
      qb.andWhere("u.name_folded LIKE :q", { q: `%${escapeLike(foldDiacritics(filter.search))}%` });
    }
  }
  const validOn = checkDateRange(filter.validOn, "validOn");
  if (validOn) {
    qb.andWhere(
      "(u.valid_from IS NULL OR u.valid_from <= :validOn) AND (u.valid_to IS NULL OR u.valid_to >= :validOn)",
      {
        validOn,
      },
    );
  }
  if (filter.speciallyDifficult !== null && filter.speciallyDifficult !== undefined) {
    qb.andWhere("u.specially_difficult = :sd", { sd: filter.speciallyDifficult });
  }
  return qb;
}
