import DataLoader from "dataloader";
import { readFromReplica } from "../db/replica";
import { Criterion, Indicator } from "../criteria/criterion.entity";
import type { Context } from "../shared/context";
import { ProgressFunding, ProgressIndicator, ProgressOrg, ProgressUnit } from "./progress.entity";

/** Keys are "planId:unitId". */
export function progressKey(planId: number, unitId: number): string {
  return `${planId}:${unitId}`;
}

function splitKeys(keys: readonly string[]): Map<number, number[]> {
  const byPlan = new Map<number, number[]>();
  for (const k of keys) {
    const [p, u] = k.split(":").map(Number);
    byPlan.set(p, [...(byPlan.get(p) ?? []), u]);
  }
  return byPlan;
}

/** Rows of one column grouped per key; one SELECT per plan (in practice one). */
function groupedLoader<T extends object>(
  entity: new () => T,
  column: string,
  keyOf: (row: T) => string,
  order: string,
) {
  return (ctx: Context) =>
    new DataLoader<string, T[]>(
      async (keys) => {
        const groups = new Map<string, T[]>();
        for (const [planId, ids] of splitKeys(keys)) {
          const rows = await readFromReplica(ctx.ds, (m) =>
            m
              .getRepository(entity)
              .createQueryBuilder("x")
              .where("x.plan_id = :planId", { planId })
              .andWhere(`x.${column} IN (:...ids)`, { ids })
              .orderBy(order, "ASC")
              .getMany(),
          );
          for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
        }
        return keys.map((k) => groups.get(k) ?? []);
      },
      { maxBatchSize: 1000 },
    );
}

export const progressUnitByKey = (ctx: Context) =>
  new DataLoader<string, ProgressUnit | null>(
    async (keys) => {
      const found = new Map<string, ProgressUnit>();
      for (const [planId, ids] of splitKeys(keys)) {
        const rows = await readFromReplica(ctx.ds, (m) =>
          m
            .getRepository(ProgressUnit)
            .createQueryBuilder("x")
            .where("x.plan_id = :planId", { planId })
            .andWhere("x.unit_id IN (:...ids)", { ids })
            .getMany(),
        );
        for (const r of rows) found.set(progressKey(r.planId, r.unitId), r);
      }
      return keys.map((k) => found.get(k) ?? null);
    },
    { maxBatchSize: 1000 },
  );

export const progressChildren = groupedLoader(
  ProgressUnit,
  "parent_id",
  (r) => progressKey(r.planId, r.parentId ?? 0),
  "x.unit_id",
);
export const progressOrgsByUnit = groupedLoader(
  ProgressOrg,
  "unit_id",
  (r) => progressKey(r.planId, r.unitId),
  "x.org_id",
);
export const progressFundingByUnit = groupedLoader(
  ProgressFunding,
  "unit_id",
  (r) => progressKey(r.planId, r.unitId),
  "x.source",
);

/**
 * The rolled-up indicators of units, in the set's order (criterion number, then the indicator's
 * order): one SELECT per plan (in practice one) for every unit of the request.
 */
export const progressIndicatorsByUnit = (ctx: Context) =>
  new DataLoader<string, ProgressIndicator[]>(
    async (keys) => {
      const groups = new Map<string, ProgressIndicator[]>();
      for (const [planId, ids] of splitKeys(keys)) {
        const rows = await readFromReplica(ctx.ds, (m) =>
          m
            .getRepository(ProgressIndicator)
            .createQueryBuilder("x")
            .innerJoin(Indicator, "i", "i.id = x.indicator_id")
            .innerJoin(Criterion, "c", "c.id = i.criterion_id")
            .where("x.plan_id = :planId", { planId })
            .andWhere("x.unit_id IN (:...ids)", { ids })
            .orderBy("x.unit_id", "ASC")
            .addOrderBy("c.no", "ASC")
            .addOrderBy("i.ord", "ASC")
            .addOrderBy("i.id", "ASC")
            .getMany(),
        );
        for (const r of rows) {
          const k = progressKey(r.planId, r.unitId);
          groups.set(k, [...(groups.get(k) ?? []), r]);
        }
      }
      return keys.map((k) => groups.get(k) ?? []);
    },
    { maxBatchSize: 1000 },
  );
