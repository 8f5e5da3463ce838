import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { coordinates } from "../../plans/plan.policy";
import { type Context, requireViewer } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { UserError, userError } from "../../shared/user-errors";
import { remindAfterCommit } from "../../workflow/assignment.store";
import { LADDER_LIMITS, ladderProblems, REMINDABLE_STATUSES, type ReminderLadder } from "../ladder";
import { ladderFromSettings } from "../reminder.store";
import { PlanReminderSettings } from "../reminder-settings.entity";

@InputType({ description: "A plan's reminder ladder (thang nhắc việc), replaced as a whole." })
export class SetReminderLadderInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => [Int], {
    description: "Working days before the due date to remind on (1–60, at most 10 distinct values).",
  })
  daysBefore!: number[];

  @Field({ description: "Remind on the due date itself." })
  onDueDate!: boolean;

  @Field(() => Int, { description: "While overdue, remind every this many working days (1–30)." })
  overdueEveryWorkingDays!: number;

  @Field(() => Int, {
    description:
      "Escalate to the assigner and the coordinators this many working days after the due date (0–60; 0: never).",
  })
  escalateAfterWorkingDays!: number;

  @Field(() => Int, { description: "Local hour (0–23) at which reminders go out." })
  localHour!: number;
}

@ObjectType("ReminderLadder", { description: "When a plan's work gets deadline reminders." })
export class ReminderLadderView {
  @Field(() => [Int], { description: "Working days before the due date, largest first." })
  daysBefore!: number[];

  @Field()
  onDueDate!: boolean;

  @Field(() => Int, { description: "While overdue, every this many working days; 0: never." })
  overdueEveryWorkingDays!: number;

  @Field(() => Int, { description: "Escalation after this many working days overdue; 0: never." })
  escalateAfterWorkingDays!: number;

  @Field(() => Int, { description: "Local hour at which reminders go out (plan's time zone)." })
  localHour!: number;

  @Field({ description: "True when the plan has no ladder of its own and uses the default." })
  isDefault!: boolean;
}

@ObjectType()
export class ReminderLadderPayload {
  @Field(() => ReminderLadderView, { nullable: true })
  ladder!: ReminderLadderView | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

export function ladderView(l: ReminderLadder, isDefault: boolean): ReminderLadderView {
  return {
    daysBefore: [...l.daysBefore].sort((a, b) => b - a),
    onDueDate: l.onDueDate,
    overdueEveryWorkingDays: l.overdueEveryWorkingDays,
    escalateAfterWorkingDays: l.escalateAfterWorkingDays,
    localHour: l.localHour,
    isDefault,
  };
}

/** What a coordinator may set (stricter than what the ladder can run: the overdue series is required). */
export const SETTABLE = {
  maxDaysBefore: LADDER_LIMITS.maxDaysBefore,
  maxRungsBefore: LADDER_LIMITS.maxRungsBefore,
  maxOverdueEvery: 30,
  maxEscalate: LADDER_LIMITS.maxEscalate,
} as const;

const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** The input's problems as userErrors (empty when it can be written). */
function validate(input: SetReminderLadderInput): UserError[] {
  const errors: UserError[] = [];
  const at = (f: string) => ["input", f];
  if (input.daysBefore.some((d) => !whole(d, 1, SETTABLE.maxDaysBefore)))
    errors.push(
      userError(
        "BAD_USER_INPUT",
        `daysBefore values must be from 1 to ${SETTABLE.maxDaysBefore} (use onDueDate for the due date itself)`,
        at("daysBefore"),
      ),
    );
  if (new Set(input.daysBefore).size > SETTABLE.maxRungsBefore)
    errors.push(
      userError(
        "BAD_USER_INPUT",
        `daysBefore may hold at most ${SETTABLE.maxRungsBefore} distinct values`,
        at("daysBefore"),
      ),
    );
  if (!whole(input.overdueEveryWorkingDays, 1, SETTABLE.maxOverdueEvery))
    errors.push(
      userError(
        "BAD_USER_INPUT",
        `overdueEveryWorkingDays must be from 1 to ${SETTABLE.maxOverdueEvery}`,
        at("overdueEveryWorkingDays"),
      ),
    );
  if (!whole(input.escalateAfterWorkingDays, 0, SETTABLE.maxEscalate))
    errors.push(
      userError(
        "BAD_USER_INPUT",
        `escalateAfterWorkingDays must be from 0 to ${SETTABLE.maxEscalate}`,
        at("escalateAfterWorkingDays"),
      ),
    );
  if (!whole(input.localHour, 0, 23))
    errors.push(userError("BAD_USER_INPUT", "localHour must be from 0 to 23", at("localHour")));
  return errors;
}

/**
 * Sets a plan's reminder ladder; the plan's coordinators only. Refusals are userErrors and write
 * nothing: a malformed ID (BAD_USER_INPUT), an unknown plan (NOT_FOUND), anyone but its
 * coordinators (FORBIDDEN), values out of range (BAD_USER_INPUT). The settings row is upserted
 * with an audit entry in one transaction; after commit the plan's running assignments have their
 * reminders re-derived (jobs queued for the old ladder find their rung gone and do nothing).
 */
export async function setReminderLadder(
  ctx: Context,
  input: SetReminderLadderInput,
): Promise<ReminderLadderPayload> {
  const viewer = requireViewer(ctx);
  const fail = (...e: UserError[]): ReminderLadderPayload => ({ ladder: null, userErrors: e });
  const plan = parseGlobalId(input.planId);
  if (!plan || plan.type !== "Plan")
    return fail(userError("BAD_USER_INPUT", "planId is not a valid Plan ID", ["input", "planId"]));
  const [row] = await ctx.ds.query(
    "SELECT p.id, un.path FROM plan p JOIN admin_unit un ON un.id = p.scope_unit_id WHERE p.id = ?",
    [plan.id],
  );
  if (!row) return fail(userError("NOT_FOUND", "Plan not found", ["input", "planId"]));
  if (!coordinates(viewer, row.path))
    return fail(
      userError("FORBIDDEN", "Only the plan's coordinators set its reminder ladder", ["input", "planId"]),
    );
  const errors = validate(input);
  if (errors.length) return fail(...errors);

  const ladder: ReminderLadder = {
    daysBefore: [...new Set(input.daysBefore)].sort((a, b) => b - a),
    onDueDate: input.onDueDate,
    overdueEveryWorkingDays: input.overdueEveryWorkingDays,
    escalateAfterWorkingDays: input.escalateAfterWorkingDays,
    localHour: input.localHour,
  };
  // The runner's own limits hold too (a ladder it would not run must never be stored).
  const problems = ladderProblems(ladder);
  if (problems.length) return fail(...problems.map((p) => userError("BAD_USER_INPUT", p, ["input"])));

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    await m.query("SELECT id FROM plan WHERE id = ? FOR UPDATE", [plan.id]);
    const repo = m.getRepository(PlanReminderSettings);
    const existing = await repo.findOneBy({ planId: plan.id });
    const before = existing ? ladderFromSettings(existing) : null;
    await repo.save({ planId: plan.id, ...ladder, daysBefore: [...ladder.daysBefore] });
    await recordAudit(
      m,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: "plan.set_reminder_ladder",
        objectType: "Plan",
        objectId: plan.id,
        scopePath: row.path,
        before,
        after: ladder,
      },
    );
    const running: Array<{ id: number | string }> = await m.query(
      `SELECT a.id FROM assignment a JOIN task t ON t.id = a.task_id
       WHERE t.plan_id = ? AND a.status IN (?) AND a.due_date IS NOT NULL ORDER BY a.id`,
      [plan.id, REMINDABLE_STATUSES],
    );
    remindAfterCommit(
      ctx,
      uow,
      running.map((r) => Number(r.id)),
    );
    return { ladder: ladderView(ladder, false), userErrors: [] };
  });
}
