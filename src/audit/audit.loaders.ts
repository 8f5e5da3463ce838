import DataLoader from "dataloader";
import type { SelectQueryBuilder } from "typeorm";
import type { Context } from "../shared/context";
import { escapeLike } from "../shared/text";
import type { Viewer } from "../shared/viewer";
import { AuditEntry } from "./audit-entry.entity";
import { auditVisibleTo } from "./audit.policy";

/** Restricts `qb` (alias `a`) to the entries the viewer may read: the SQL twin of `canReadAuditEntry`. */
export function applyAuditScope(
  qb: SelectQueryBuilder<AuditEntry>,
  viewer: Viewer | null,
): SelectQueryBuilder<AuditEntry> {
  if (!viewer) return qb.andWhere("1 = 0");
  const scope = auditVisibleTo(viewer);
  switch (scope.kind) {
    case "all":
      return qb;
    case "subtree":
      return qb.andWhere("a.scope_path LIKE :auditScopePrefix", {
        auditScopePrefix: `${escapeLike(scope.path)}%`,
      });
    case "none":
      return qb.andWhere("1 = 0");
  }
}

/** Audit entries the viewer may read (alias `a`). */
export function visibleAuditEntries(ctx: Context): SelectQueryBuilder<AuditEntry> {
  return applyAuditScope(ctx.ds.getRepository(AuditEntry).createQueryBuilder("a"), ctx.viewer);
}

/** Audit entries by id within the viewer's scope: one outside it is null, exactly like a missing one. */
export const visibleAuditEntryById = (ctx: Context) =>
  new DataLoader<number, AuditEntry | null>(
    async (ids) => {
      const rows = await visibleAuditEntries(ctx)
        .andWhere("a.id IN (:...ids)", { ids: [...ids] })
        .getMany();
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    },
    { maxBatchSize: 1000 },
  );
