import type { EntityManager } from "typeorm";
import type { Viewer } from "../shared/viewer";
import { AuditEntry } from "./audit-entry.entity";

/** Fields never written to the audit log. */
const SECRET_KEYS = new Set(["passwordHash", "password", "tokenHash", "refreshToken", "accessToken"]);

function snapshot(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON.stringify(value, (k, v: unknown) => (SECRET_KEYS.has(k) ? undefined : v));
}

export interface AuditInput {
  action: string;
  objectType: string;
  objectId: number | null;
  /** Path of the unit the object belongs to, for scoped reading. */
  scopePath: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditActor {
  viewer: Viewer | null;
  /** When nobody is signed in (a login), who the request claimed to be. */
  actorUserId?: number | null;
  actorEmail?: string | null;
  requestId: string;
  ip: string | null;
}

/** Appends one audit entry inside the caller's transaction: it commits or rolls back with the change. */
export async function recordAudit(
  manager: EntityManager,
  actor: AuditActor,
  input: AuditInput,
): Promise<void> {
  await manager.getRepository(AuditEntry).insert({
    actorUserId: actor.viewer?.userId ?? actor.actorUserId ?? null,
    actorEmail: actor.viewer?.email ?? actor.actorEmail ?? null,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId,
    scopePath: input.scopePath,
    before: snapshot(input.before),
    after: snapshot(input.after),
    requestId: actor.requestId,
    ip: actor.ip,
  });
}
