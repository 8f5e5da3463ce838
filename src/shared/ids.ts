import { BadInputError } from "./errors";

/**
 * Opaque global IDs: base64url("Type:123"). Clients must treat them as opaque; the server
 * checks the type on the way in so a Task ID never resolves a Unit.
 */
export const NODE_TYPES = [
  "Unit",
  "Organization",
  "Plan",
  "PlanTarget",
  "TaskGroup",
  "RoadmapEntry",
  "Task",
  "CriteriaSet",
  "Criterion",
  "Indicator",
  "Assessment",
  "Recognition",
  "FundingAllocation",
  "FundingDisbursement",
  "User",
  "AuditEntry",
  "Assignment",
  "ReportingPeriod",
  "ProgressReport",
  "Attachment",
  "DeadlineExtension",
  "TaskComment",
  "Notification",
  "WebhookSubscription",
  "WebhookDelivery",
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export function toGlobalId(type: NodeType, id: number): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

export function parseGlobalId(gid: string): { type: NodeType; id: number } | null {
  if (typeof gid !== "string" || gid.length === 0 || gid.length > 64 || !/^[A-Za-z0-9_-]+$/.test(gid))
    return null;
  const raw = Buffer.from(gid, "base64url").toString("utf8");
  const m = /^([A-Za-z]+):([1-9][0-9]{0,9})$/.exec(raw);
  if (!m) return null;
  const type = m[1] as NodeType;
  const id = Number(m[2]);
  if (!NODE_TYPES.includes(type) || !Number.isSafeInteger(id) || id > 4294967295) return null;
  return { type, id };
}

/** Decode an ID argument that must be of `type`; a malformed or foreign ID is BAD_USER_INPUT. */
export function decodeId(type: NodeType, gid: string, field = "id"): number {
  const parsed = parseGlobalId(gid);
  if (!parsed || parsed.type !== type) throw new BadInputError(`${field} is not a valid ${type} ID`, field);
  return parsed.id;
}
