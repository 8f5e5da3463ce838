import { type Context, requireViewer } from "../shared/context";
import { BadInputError, DomainError, ErrorCode } from "../shared/errors";
import { decodeId, parseGlobalId } from "../shared/ids";
import { type ConnectionArgs, type Page, paginate, type SortSpec } from "../shared/pagination";
import type { AuditEntry } from "./audit-entry.entity";
import type { AuditFilter } from "./audit.inputs";
import { visibleAuditEntries } from "./audit.loaders";
import { auditVisibleTo } from "./audit.policy";

/** Newest first; the id is unique and grows with time. */
export const AUDIT_SORT: SortSpec<AuditEntry> = {
  name: "id_desc",
  direction: "DESC",
  keys: [{ sql: "a.id", value: (a) => a.id }],
};

/**
 * One page of the audit log within the viewer's scope (in SQL). A viewer whose roles give no
 * audit scope is refused with FORBIDDEN rather than shown an empty log.
 */
export function listAuditEntries(
  ctx: Context,
  page: ConnectionArgs,
  filter: AuditFilter | null,
  withTotal: boolean,
): Promise<Page<AuditEntry>> {
  if (auditVisibleTo(requireViewer(ctx)).kind === "none") {
    throw new DomainError("Your roles do not allow reading the audit log", ErrorCode.FORBIDDEN);
  }
  const qb = visibleAuditEntries(ctx);
  if (filter?.objectType) qb.andWhere("a.object_type = :objectType", { objectType: filter.objectType });
  if (filter?.objectId) {
    const parsed = parseGlobalId(filter.objectId);
    if (!parsed) throw new BadInputError("objectId is not a valid ID", "objectId");
    qb.andWhere("a.object_type = :objType AND a.object_id = :objId", {
      objType: parsed.type,
      objId: parsed.id,
    });
  }
  if (filter?.actorUserId) {
    qb.andWhere("a.actor_user_id = :actor", { actor: decodeId("User", filter.actorUserId, "actorUserId") });
  }
  if (filter?.action) qb.andWhere("a.action = :action", { action: filter.action });
  if (filter?.from && filter.to && filter.from > filter.to) {
    throw new BadInputError("from must not be after to", "from");
  }
  if (filter?.from) qb.andWhere("a.occurred_at >= :from", { from: filter.from });
  if (filter?.to) qb.andWhere("a.occurred_at <= :to", { to: filter.to });
  return paginate(qb, AUDIT_SORT, page, withTotal);
}
