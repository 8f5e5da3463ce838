import type { EntityManager } from "typeorm";
import type { UnitOfWork } from "../db/transaction";
import type { AuditActor } from "../audit/audit";
import { localDate } from "../shared/clock";
import type { Context } from "../shared/context";
import { type NodeType, parseGlobalId } from "../shared/ids";
import { type UserError, userError } from "../shared/user-errors";
import type { Viewer } from "../shared/viewer";
import { Unit } from "../units/unit.entity";

/** Helpers shared by the criteria workflow commands. */

export const MAX_NOTE = 2000;

export function actorOf(ctx: Context, viewer: Viewer): AuditActor {
  return { viewer, requestId: ctx.requestId, ip: ctx.ip };
}

export function todayIn(ctx: Context): string {
  return localDate(ctx.clock.now(), ctx.timeZone);
}

/** Decodes an ID argument of the input; a malformed or foreign one is a BAD_USER_INPUT userError. */
export function idOf(type: NodeType, gid: string, field: string, errors: UserError[]): number | null {
  const parsed = parseGlobalId(gid);
  if (parsed && parsed.type === type) return parsed.id;
  errors.push(userError("BAD_USER_INPUT", `${field} is not a valid ${type} ID`, ["input", field]));
  return null;
}

/**
 * NFC, trimmed text of at most `max` characters; null when blank. Pushes a BAD_USER_INPUT
 * userError (and returns null) when too long, or when blank but `required`.
 */
export function textOf(
  value: string | null | undefined,
  field: string,
  max: number,
  errors: UserError[],
  required = false,
): string | null {
  const text = value?.normalize("NFC").trim() || null;
  if (text === null) {
    if (required) errors.push(userError("BAD_USER_INPUT", `${field} is required`, ["input", field]));
    return null;
  }
  if ([...text].length > max) {
    errors.push(userError("BAD_USER_INPUT", `${field} must be at most ${max} characters`, ["input", field]));
    return null;
  }
  return text;
}

export function yearOk(year: number): boolean {
  return Number.isInteger(year) && year >= 1900 && year <= 2199;
}

/** The unit, read inside the transaction and locked: recognitions of one unit are decided one at a time. */
export async function lockUnit(m: EntityManager, unitId: number): Promise<void> {
  await m.query("SELECT id FROM admin_unit WHERE id = ? FOR UPDATE", [unitId]);
}

export async function unitOf(ctx: Context, id: number): Promise<Unit | null> {
  return ctx.ds.getRepository(Unit).findOneBy({ id });
}

/**
 * After commit, asks the roll-up to recompute the units (and their ancestors). Never fails the
 * request: a refused enqueue is caught up by the scheduled full rebuild.
 */
export function rollupAfterCommit(ctx: Context, uow: UnitOfWork, unitIds: number[], reason: string): void {
  if (unitIds.length === 0) return;
  uow.afterCommit(async () => {
    try {
      await ctx.rollups?.unitsChanged(unitIds, reason);
    } catch {
      // The scheduled rebuild catches up.
    }
  });
}

/** MariaDB's duplicate-key error, raised when a concurrent request inserted the same row first. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  return e?.code === "ER_DUP_ENTRY" || e?.driverError?.code === "ER_DUP_ENTRY";
}
