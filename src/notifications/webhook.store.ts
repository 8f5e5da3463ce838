/**
 * Reading webhook subscriptions and deliveries within what the viewer may manage
 * (webhook.policy.ts): the list scope beside the object policy, as SQL over the organization's unit.
 */
import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { Role } from "../shared/roles";
import { hasRole, type Viewer } from "../shared/viewer";
import { type WebhookOrgFacts } from "./webhook.policy";
import { WebhookDelivery, WebhookSubscription } from "./webhook.entity";

/** An organization's id and unit path; null when there is none. */
export async function loadOrgFacts(manager: EntityManager, orgId: number): Promise<WebhookOrgFacts | null> {
  const [row] = await manager.query(
    "SELECT o.id, u.path FROM organization o JOIN admin_unit u ON u.id = o.unit_id WHERE o.id = ?",
    [orgId],
  );
  return row ? { orgId: Number(row.id), unitPath: String(row.path) } : null;
}

const OFFICERS = [
  Role.DEPARTMENT_OFFICER,
  Role.DISTRICT_OFFICER,
  Role.COMMUNE_OFFICER,
  Role.VILLAGE_BOARD_MEMBER,
];

/** Limits `qb` (organization alias `wo`, its unit `wu`) to what canManageWebhooks allows. */
function manageable<T extends object>(qb: SelectQueryBuilder<T>, viewer: Viewer): SelectQueryBuilder<T> {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return qb;
  const parts: string[] = [];
  if (hasRole(viewer, Role.PROVINCIAL_COORDINATOR)) parts.push("wu.path LIKE :whPath");
  if (hasRole(viewer, ...OFFICERS)) parts.push("wo.id = :whOrg");
  if (parts.length === 0) return qb.andWhere("1 = 0");
  return qb.andWhere(`(${parts.join(" OR ")})`, {
    whPath: `${viewer.unitPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    whOrg: viewer.orgId,
  });
}

/** Subscriptions the viewer may manage (alias `s`). */
export function manageableSubscriptions(manager: EntityManager, viewer: Viewer) {
  const qb = manager
    .getRepository(WebhookSubscription)
    .createQueryBuilder("s")
    .innerJoin("organization", "wo", "wo.id = s.org_id")
    .innerJoin("admin_unit", "wu", "wu.id = wo.unit_id");
  return manageable(qb, viewer);
}

/** Deliveries of the subscriptions the viewer may manage (alias `d`). */
export function manageableDeliveries(manager: EntityManager, viewer: Viewer) {
  const qb = manager
    .getRepository(WebhookDelivery)
    .createQueryBuilder("d")
    .innerJoin(WebhookSubscription, "s", "s.id = d.subscription_id")
    .innerJoin("organization", "wo", "wo.id = s.org_id")
    .innerJoin("admin_unit", "wu", "wu.id = wo.unit_id");
  return manageable(qb, viewer);
}
