import { Role } from "../shared/roles";
import { hasRole, inSubtree, type Viewer } from "../shared/viewer";

/** What the webhook policy needs to know about an organization. */
export interface WebhookOrgFacts {
  orgId: number;
  /** Materialised path of the organization's unit. */
  unitPath: string;
}

/** Roles that act for their own organization. */
const OFFICER_ROLES = [
  Role.DEPARTMENT_OFFICER,
  Role.DISTRICT_OFFICER,
  Role.COMMUNE_OFFICER,
  Role.VILLAGE_BOARD_MEMBER,
];

/**
 * Who may subscribe an organization's systems to its task events (and see, delete and retry
 * them): its own acting officers, a system administrator, and a provincial coordinator whose
 * scope contains the organization's unit. Read-only roles never may.
 */
export function canManageWebhooks(viewer: Viewer, org: WebhookOrgFacts): boolean {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return true;
  if (hasRole(viewer, Role.PROVINCIAL_COORDINATOR) && inSubtree(viewer, org.unitPath)) return true;
  return org.orgId === viewer.orgId && hasRole(viewer, ...OFFICER_ROLES);
}
