import { recordAudit } from "../../audit/audit";
import { MAX_NOTE, actorOf, idOf, rollupAfterCommit, textOf, todayIn } from "../../criteria/criteria.store";
import { withTransaction } from "../../db/transaction";
import { Plan } from "../../plans/plan.entity";
import { type Context, requireViewer } from "../../shared/context";
import { type UserError, userError } from "../../shared/user-errors";
import { Unit } from "../../units/unit.entity";
import type { EntityManager } from "typeorm";
import { FundingAllocation } from "../funding-allocation.entity";
import { FundingDisbursement } from "../funding-disbursement.entity";
import { AmountQualifier } from "../funding.enums";
import type { DisbursementPayload, RecordDisbursementInput } from "../funding.inputs";
import { canRecordDisbursement } from "../funding.policy";

/** A whole, positive number of đồng that fits decimal(20,0). */
const WHOLE_VND = /^[1-9][0-9]{0,19}$/;
const MAX_REFERENCE = 255;

/**
 * What is left of an allocation (its exact amount less what was disbursed from it), with its row
 * locked until the transaction ends; null when its amount is not exact (nothing to check against).
 */
async function leftOfAllocation(m: EntityManager, allocationId: number): Promise<bigint | null> {
  const [row] = (await m.query(
    `SELECT a.amount_vnd AS amount, a.amount_qualifier AS qualifier,
       (SELECT COALESCE(SUM(d.amount_vnd), 0) FROM funding_disbursement d WHERE d.allocation_id = a.id) AS spent
     FROM funding_allocation a WHERE a.id = ? FOR UPDATE`,
    [allocationId],
  )) as Array<{ amount: string | null; qualifier: string; spent: string | number }>;
  if (!row || row.amount === null || row.qualifier !== AmountQualifier.EXACT) return null;
  return BigInt(row.amount) - BigInt(String(row.spent));
}

const fail = (errors: UserError[]): DisbursementPayload => ({ disbursement: null, userErrors: errors });

/**
 * Records a disbursement (giải ngân) of a plan from one source: optionally drawing on one of the
 * plan's allocations of that source, and going to a unit of the plan's scope (inside the
 * allocation's recipient when it has one). Refused, with nothing written: an unknown plan,
 * allocation or unit (NOT_FOUND); a viewer the policy does not let record it (FORBIDDEN); an
 * allocation of another plan or source (ALLOCATION_MISMATCH); a unit outside the plan's scope or
 * the allocation's recipient (OUT_OF_SCOPE); an amount that is not a whole positive number of
 * đồng, a date before the plan's first year or after today, a missing reference (BAD_USER_INPUT);
 * more than what is left of an allocation whose amount is exact (EXCEEDS_ALLOCATION: the
 * allocation's row is locked while its disbursements are summed, so two payments recorded at once
 * cannot overdraw it together). After commit the recipient (or the plan's scope) is rolled up again.
 */
export async function recordDisbursement(
  ctx: Context,
  input: RecordDisbursementInput,
): Promise<DisbursementPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const planId = idOf("Plan", input.planId, "planId", errors);
  const allocationId =
    input.allocationId == null ? null : idOf("FundingAllocation", input.allocationId, "allocationId", errors);
  const unitId =
    input.recipientUnitId == null ? null : idOf("Unit", input.recipientUnitId, "recipientUnitId", errors);
  if (errors.length) return fail(errors);

  const plan = await ctx.ds.getRepository(Plan).findOneBy({ id: planId! });
  if (!plan) return fail([userError("NOT_FOUND", "Plan not found", ["input", "planId"])]);
  const units = ctx.ds.getRepository(Unit);
  const scope = await units.findOneByOrFail({ id: plan.scopeUnitId });
  const allocation =
    allocationId === null
      ? null
      : await ctx.ds.getRepository(FundingAllocation).findOneBy({ id: allocationId });
  if (allocationId !== null && !allocation)
    return fail([userError("NOT_FOUND", "Funding allocation not found", ["input", "allocationId"])]);
  const recipientId = unitId ?? allocation?.recipientUnitId ?? null;
  const recipient = recipientId === null ? null : await units.findOneBy({ id: recipientId });
  if (recipientId !== null && !recipient)
    return fail([userError("NOT_FOUND", "Unit not found", ["input", "recipientUnitId"])]);

  if (!canRecordDisbursement(viewer, { planScopePath: scope.path, unitPath: recipient?.path ?? null }))
    return fail([
      userError(
        "FORBIDDEN",
        recipient
          ? "Only the plan's coordinators, or the officers of the unit's district, record its disbursements"
          : "Only the plan's coordinators record a disbursement to the plan as a whole",
        ["input", recipient && unitId !== null ? "recipientUnitId" : "planId"],
      ),
    ]);

  if (allocation && (allocation.planId !== plan.id || allocation.source !== input.source))
    errors.push(
      userError(
        "ALLOCATION_MISMATCH",
        allocation.planId !== plan.id
          ? "The allocation belongs to another plan"
          : `The allocation is of source ${allocation.source.toUpperCase()}, not ${input.source.toUpperCase()}`,
        ["input", "allocationId"],
      ),
    );
  if (recipient && !recipient.path.startsWith(scope.path))
    errors.push(
      userError("OUT_OF_SCOPE", "The unit is outside the plan's scope", ["input", "recipientUnitId"]),
    );
  else if (recipient && allocation?.recipientUnitId != null && allocation.recipientUnitId !== recipient.id) {
    const allocated = await units.findOneBy({ id: allocation.recipientUnitId });
    if (!allocated || !recipient.path.startsWith(allocated.path))
      errors.push(
        userError("OUT_OF_SCOPE", "The unit is outside the allocation's recipient", [
          "input",
          "recipientUnitId",
        ]),
      );
  }
  if (!WHOLE_VND.test(input.amountVnd))
    errors.push(
      userError("BAD_USER_INPUT", "amountVnd must be a whole positive number of đồng, at most 20 digits", [
        "input",
        "amountVnd",
      ]),
    );
  const earliest = `${plan.periodStartYear}-01-01`;
  const today = todayIn(ctx);
  if (input.disbursedOn < earliest || input.disbursedOn > today)
    errors.push(
      userError("BAD_USER_INPUT", `disbursedOn must be between ${earliest} and today (${today})`, [
        "input",
        "disbursedOn",
      ]),
    );
  const reference = textOf(input.reference, "reference", MAX_REFERENCE, errors, true);
  const note = textOf(input.note, "note", MAX_NOTE, errors);
  if (errors.length) return fail(errors);

  return withTransaction(ctx.ds, async (uow) => {
    const repo = uow.manager.getRepository(FundingDisbursement);
    if (allocation) {
      const left = await leftOfAllocation(uow.manager, allocation.id);
      if (left !== null && BigInt(input.amountVnd) > left)
        return fail([
          userError(
            "EXCEEDS_ALLOCATION",
            `The allocation has ${left.toString()} đồng left to disburse, less than ${input.amountVnd}`,
            ["input", "amountVnd"],
          ),
        ]);
    }
    const inserted = await repo.insert({
      planId: plan.id,
      allocationId: allocation?.id ?? null,
      source: input.source,
      recipientUnitId: recipient?.id ?? null,
      amountVnd: input.amountVnd,
      disbursedOn: input.disbursedOn,
      reference: reference!,
      note,
      recordedByUserId: viewer.userId,
      recordedByOrgId: viewer.orgId,
    });
    const after = await repo.findOneByOrFail({ id: Number(inserted.identifiers[0].id) });
    await recordAudit(uow.manager, actorOf(ctx, viewer), {
      action: "disbursement.create",
      objectType: "FundingDisbursement",
      objectId: after.id,
      scopePath: recipient?.path ?? scope.path,
      after,
    });
    rollupAfterCommit(ctx, uow, [recipient?.id ?? scope.id], "disbursement");
    return { disbursement: after, userErrors: [] };
  });
}
