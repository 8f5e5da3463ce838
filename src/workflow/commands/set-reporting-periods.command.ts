import { Field, ID, InputType, ObjectType } from "type-graphql";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { coordinates } from "../../plans/plan.policy";
import { type Context, requireViewer } from "../../shared/context";
import { MAX_DATE, MIN_DATE } from "../../shared/dates";
import { parseGlobalId } from "../../shared/ids";
import { LocalDate } from "../../shared/scalars";
import { UserError, userError } from "../../shared/user-errors";
import { ReportingPeriod, ReportingPeriodKind } from "../report.entity";

@InputType({ description: "One reporting period: the span it covers and the date its reports are due." })
export class ReportingPeriodInput {
  @Field(() => ReportingPeriodKind)
  kind!: ReportingPeriodKind;

  @Field(() => LocalDate)
  periodStart!: string;

  @Field(() => LocalDate)
  periodEnd!: string;

  @Field(() => LocalDate, {
    description: "Reports for the period are due on this date (not before the period starts).",
  })
  dueDate!: string;
}

@InputType({ description: "The plan's reporting calendar (kỳ báo cáo), replaced as a whole." })
export class SetReportingPeriodsInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => [ReportingPeriodInput], { description: "At most 200 periods." })
  periods!: ReportingPeriodInput[];
}

@ObjectType()
export class ReportingPeriodsPayload {
  @Field(() => [ReportingPeriod])
  periods!: ReportingPeriod[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}

const MAX_PERIODS = 200;

/**
 * Sets a plan's reporting periods (the plan's own cadence: monthly, quarterly, six-monthly,
 * yearly). Periods that reports already refer to stay; the others are replaced. Coordinators only.
 */
export async function setReportingPeriods(
  ctx: Context,
  input: SetReportingPeriodsInput,
): Promise<ReportingPeriodsPayload> {
  const viewer = requireViewer(ctx);
  const fail = (e: UserError[]): ReportingPeriodsPayload => ({ periods: [], userErrors: e });
  const plan = parseGlobalId(input.planId);
  if (!plan || plan.type !== "Plan")
    return fail([userError("BAD_USER_INPUT", "planId is not a valid Plan ID", ["input", "planId"])]);
  const [row] = await ctx.ds.query(
    "SELECT p.id, un.path FROM plan p JOIN admin_unit un ON un.id = p.scope_unit_id WHERE p.id = ?",
    [plan.id],
  );
  if (!row) return fail([userError("NOT_FOUND", "Plan not found", ["input", "planId"])]);
  if (!coordinates(viewer, row.path))
    return fail([
      userError("FORBIDDEN", "Only the plan's coordinators set its reporting periods", ["input", "planId"]),
    ]);
  if (input.periods.length > MAX_PERIODS)
    return fail([userError("BAD_USER_INPUT", `At most ${MAX_PERIODS} periods`, ["input", "periods"])]);

  const errors: UserError[] = [];
  const seen = new Set<string>();
  input.periods.forEach((p, i) => {
    const at = ["input", "periods", String(i)];
    for (const d of [p.periodStart, p.periodEnd, p.dueDate]) {
      if (d < MIN_DATE || d > MAX_DATE)
        errors.push(userError("BAD_USER_INPUT", `Dates must be between ${MIN_DATE} and ${MAX_DATE}`, at));
    }
    if (p.periodStart > p.periodEnd)
      errors.push(userError("BAD_USER_INPUT", "periodStart must not be after periodEnd", at));
    if (p.dueDate < p.periodStart)
      errors.push(userError("BAD_USER_INPUT", "dueDate must not be before the period starts", at));
    const key = `${p.kind}|${p.periodStart}`;
    if (seen.has(key))
      errors.push(userError("BAD_USER_INPUT", "Two periods of the same kind start on the same day", at));
    seen.add(key);
  });
  if (errors.length) return fail(errors);

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    await m.query("SELECT id FROM plan WHERE id = ? FOR UPDATE", [plan.id]);
    const before = await m
      .getRepository(ReportingPeriod)
      .find({ where: { planId: plan.id }, order: { periodStart: "ASC" } });
    const used = new Set<number>(
      (await m.query("SELECT DISTINCT period_id FROM progress_report WHERE period_id IS NOT NULL")).map(
        (r: { period_id: number }) => Number(r.period_id),
      ),
    );
    const keep = before.filter((p) => used.has(p.id));
    await m
      .createQueryBuilder()
      .delete()
      .from(ReportingPeriod)
      .where("plan_id = :plan", { plan: plan.id })
      .andWhere(keep.length ? "id NOT IN (:...keep)" : "1 = 1", { keep: keep.map((p) => p.id) })
      .execute();
    const kept = new Set(keep.map((p) => `${p.kind}|${p.periodStart}`));
    const fresh = input.periods.filter((p) => !kept.has(`${p.kind}|${p.periodStart}`));
    if (fresh.length)
      await m.getRepository(ReportingPeriod).insert(fresh.map((p) => ({ ...p, planId: plan.id })));
    const after = await m
      .getRepository(ReportingPeriod)
      .find({ where: { planId: plan.id }, order: { periodStart: "ASC", kind: "ASC" } });
    await recordAudit(
      m,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: "plan.set_reporting_periods",
        objectType: "Plan",
        objectId: plan.id,
        scopePath: row.path,
        before,
        after,
      },
    );
    return { periods: after, userErrors: [] };
  });
}
