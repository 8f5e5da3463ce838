import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import { loadCalendar } from "../calendar/calendar.loaders";
import { addWorkingDays } from "../calendar/working-days";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import type { Context } from "../shared/context";
import { decodeId } from "../shared/ids";
import { loadById } from "../shared/loaders";
import { Task } from "../tasks/task.entity";
import { OrganizationRole } from "../tasks/task.inputs";
import { today, visibleTasks } from "../tasks/task.queries";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { Assignment, AssignmentRole } from "./assignment.entity";
import { AssignmentStatus } from "./assignment.states";
import { DUE_SOON_WORKING_DAYS } from "./timeliness";

export enum TimelinessGroupBy {
  ORGANIZATION = "organization",
  UNIT = "unit",
  NONE = "none",
}
registerEnumType(TimelinessGroupBy, {
  name: "TimelinessGroupBy",
  description:
    "ORGANIZATION: one group per assigned organization; UNIT: per unit of the assigned organization; NONE: one group in all.",
});

@InputType({ description: "Which assignments to count; all given filters must match." })
export class TimelinessFilter {
  @Field(() => ID, { nullable: true })
  planId?: string | null;

  @Field(() => ID, { nullable: true })
  groupId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Assignments of organizations in this unit or any unit below it.",
  })
  unitId?: string | null;

  @Field(() => ID, { nullable: true, description: "Assignments of this organization." })
  organizationId?: string | null;

  @Field(() => OrganizationRole, {
    nullable: true,
    defaultValue: OrganizationRole.ANY,
    description: "Lead (chủ trì) assignments, cooperating (phối hợp) ones, or any.",
  })
  role?: OrganizationRole | null;
}

@ObjectType({
  description:
    "Assignments counted by timeliness class (as Assignment.timeliness gives it); cancelled work is not counted.",
})
export class TimelinessGroup {
  orgId!: number | null;
  unitId!: number | null;

  @Field(() => Int, { description: "Trong hạn: running, more than 3 working days left." })
  inTerm!: number;

  @Field(() => Int, { description: "Sắp đến hạn: running, due today or within 3 working days." })
  dueSoon!: number;

  @Field(() => Int, { description: "Quá hạn: running, past its deadline." })
  overdue!: number;

  @Field(() => Int, { description: "Hoàn thành đúng hạn: approved on or before the deadline." })
  doneOnTime!: number;

  @Field(() => Int, { description: "Hoàn thành quá hạn: approved after the deadline." })
  doneLate!: number;

  @Field(() => Int, { description: "Không có thời hạn: running, without a deadline." })
  noDeadline!: number;

  @Field(() => Int, { description: "All of the above." })
  total!: number;
}

interface CountRow {
  org_id: number | string | null;
  unit_id: number | string | null;
  in_term: string | number | null;
  due_soon: string | number | null;
  overdue: string | number | null;
  done_on_time: string | number | null;
  done_late: string | number | null;
  no_deadline: string | number | null;
  total: string | number | null;
}

const n = (v: string | number | null) => (v === null ? 0 : Number(v));
const idOrNull = (v: number | string | null) => (v === null ? null : Number(v));

/**
 * Timeliness counts over the assignments whose task the viewer can see. Two statements whatever
 * the number of rows: the calendar (per request) and one aggregate. The working-day rule becomes
 * a date: running work is due soon exactly when today ≤ due date < the 4th working day after today.
 */
export async function timelinessCounts(
  ctx: Context,
  filter: TimelinessFilter | null | undefined,
  groupBy: TimelinessGroupBy,
): Promise<TimelinessGroup[]> {
  const todayDate = today(ctx);
  const cutoff = addWorkingDays(todayDate, DUE_SOON_WORKING_DAYS + 1, await loadCalendar(ctx));
  const tasks = visibleTasks(ctx).select("t.id");
  const running = "a.status <> :tlApproved";
  const done = "a.status = :tlApproved";
  const onTime = "(a.due_date IS NULL OR (a.completed_on IS NOT NULL AND a.completed_on <= a.due_date))";
  const sum = (cond: string) => `COALESCE(SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
  const qb = ctx.ds
    .getRepository(Assignment)
    .createQueryBuilder("a")
    .innerJoin(Task, "at", "at.id = a.task_id")
    .innerJoin(Organization, "ao", "ao.id = a.org_id")
    .innerJoin(Unit, "aou", "aou.id = ao.unit_id")
    .select(sum(`${running} AND a.due_date >= :tlCutoff`), "in_term")
    .addSelect(sum(`${running} AND a.due_date >= :tlToday AND a.due_date < :tlCutoff`), "due_soon")
    .addSelect(sum(`${running} AND a.due_date < :tlToday`), "overdue")
    .addSelect(sum(`${done} AND ${onTime}`), "done_on_time")
    .addSelect(sum(`${done} AND NOT ${onTime}`), "done_late")
    .addSelect(sum(`${running} AND a.due_date IS NULL`), "no_deadline")
    .addSelect("COUNT(*)", "total")
    .where(`a.task_id IN (${tasks.getQuery()})`)
    .setParameters(tasks.getParameters())
    .andWhere("a.status <> :tlCancelled")
    .setParameter("tlApproved", AssignmentStatus.APPROVED)
    .setParameter("tlCancelled", AssignmentStatus.CANCELLED)
    .setParameter("tlToday", todayDate)
    .setParameter("tlCutoff", cutoff);

  if (filter?.planId)
    qb.andWhere("at.plan_id = :tlPlan", { tlPlan: decodeId("Plan", filter.planId, "planId") });
  if (filter?.groupId)
    qb.andWhere("at.group_id = :tlGroup", { tlGroup: decodeId("TaskGroup", filter.groupId, "groupId") });
  if (filter?.organizationId)
    qb.andWhere("a.org_id = :tlOrg", {
      tlOrg: decodeId("Organization", filter.organizationId, "organizationId"),
    });
  if (filter?.unitId)
    qb.andWhere("aou.path LIKE CONCAT((SELECT w.path FROM admin_unit w WHERE w.id = :tlUnit), '%')", {
      tlUnit: decodeId("Unit", filter.unitId, "unitId"),
    });
  if (filter?.role === OrganizationRole.LEAD)
    qb.andWhere("a.role = :tlRole", { tlRole: AssignmentRole.LEAD });
  if (filter?.role === OrganizationRole.COOPERATING)
    qb.andWhere("a.role = :tlRole", { tlRole: AssignmentRole.COOPERATING });

  switch (groupBy) {
    case TimelinessGroupBy.ORGANIZATION:
      qb.addSelect("a.org_id", "org_id")
        .addSelect("MIN(ao.unit_id)", "unit_id")
        .groupBy("a.org_id")
        .orderBy("MIN(ao.name)", "ASC")
        .addOrderBy("a.org_id", "ASC");
      break;
    case TimelinessGroupBy.UNIT:
      qb.addSelect("NULL", "org_id")
        .addSelect("ao.unit_id", "unit_id")
        .groupBy("ao.unit_id")
        .orderBy("MIN(aou.path)", "ASC");
      break;
    case TimelinessGroupBy.NONE:
      qb.addSelect("NULL", "org_id").addSelect("NULL", "unit_id");
      break;
  }
  const rows = await qb.getRawMany<CountRow>();
  return rows.map((r) => ({
    orgId: idOrNull(r.org_id),
    unitId: idOrNull(r.unit_id),
    inTerm: n(r.in_term),
    dueSoon: n(r.due_soon),
    overdue: n(r.overdue),
    doneOnTime: n(r.done_on_time),
    doneLate: n(r.done_late),
    noDeadline: n(r.no_deadline),
    total: n(r.total),
  }));
}

@Authorized()
@Resolver(() => TimelinessGroup)
export class TimelinessResolver {
  @Query(() => [TimelinessGroup], {
    description:
      "How many assignments you can see are in term, due soon (≤ 3 working days, by the holiday calendar), overdue, done on time, done late or without a deadline, today in Asia/Ho_Chi_Minh.",
  })
  timelinessCounts(
    @Arg("filter", () => TimelinessFilter, { nullable: true }) filter: TimelinessFilter | null,
    @Arg("groupBy", () => TimelinessGroupBy, { defaultValue: TimelinessGroupBy.NONE })
    groupBy: TimelinessGroupBy,
    @Ctx() ctx: Context,
  ): Promise<TimelinessGroup[]> {
    return timelinessCounts(ctx, filter, groupBy);
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: "The assigned organization (grouped by ORGANIZATION).",
  })
  organization(@Root() g: TimelinessGroup, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, g.orgId);
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: "The unit of the assigned organization (grouped by ORGANIZATION or UNIT).",
  })
  unit(@Root() g: TimelinessGroup, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, g.unitId);
  }
}
