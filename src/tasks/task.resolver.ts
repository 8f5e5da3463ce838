import type { GraphQLResolveInfo } from "graphql";
import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import { type Context, requireViewer } from "../shared/context";
import { decodeId } from "../shared/ids";
import { loadById, loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects } from "../shared/pagination";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import { PlanTarget } from "../plans/plan-target.entity";
import { Plan } from "../plans/plan.entity";
import { groupById, planById, targetById } from "../plans/plan.loaders";
import { TaskGroup } from "../plans/task-group.entity";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { Task } from "./task.entity";
import { TaskSort } from "./task.enums";
import { TaskFilter } from "./task.inputs";
import { cooperatorsByTask, taskById, taskRowById, tasksByParent, unitsByTask } from "./task.loaders";
import { TaskPermissions, taskPermissions } from "./task.policy";
import { isOverdue, TASK_SORTS, taskListQuery, today } from "./task.queries";

export const TaskConnection = Connection("Task", Task);
type TaskConnection = InstanceType<typeof TaskConnection>;

@Authorized()
@Resolver(() => Task)
export class TaskResolver {
  @Query(() => Task, { description: "One task by ID. NOT_FOUND when there is none." })
  task(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Task> {
    return loadRequired(ctx, taskById, decodeId("Task", id), "Task");
  }

  @Query(() => TaskConnection, { description: "Tasks; by default least time left first, undated last." })
  tasks(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => TaskFilter, { nullable: true }) filter: TaskFilter | null,
    @Arg("orderBy", () => TaskSort, { defaultValue: TaskSort.DUE_DATE_ASC }) orderBy: TaskSort,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TaskConnection> {
    const list = taskListQuery(ctx, filter);
    return paginate(list.page, TASK_SORTS[orderBy], page, selects(info, "totalCount"), list.count);
  }

  @FieldResolver(() => Plan)
  plan(@Root() t: Task, @Ctx() ctx: Context): Promise<Plan> {
    return loadRequired(ctx, planById, t.planId, "Plan");
  }

  @FieldResolver(() => TaskGroup, { nullable: true })
  group(@Root() t: Task, @Ctx() ctx: Context): Promise<TaskGroup | null> {
    return loadById(ctx, groupById, t.groupId);
  }

  @FieldResolver(() => Task, { nullable: true, description: "The task this one was delegated from." })
  parent(@Root() t: Task, @Ctx() ctx: Context): Promise<Task | null> {
    return loadById(ctx, taskById, t.parentId);
  }

  @FieldResolver(() => [Task], { description: "Sub-tasks delegated from this one, least time left first." })
  children(@Root() t: Task, @Ctx() ctx: Context): Promise<Task[]> {
    return ctx.loaders.get(tasksByParent).load(t.id);
  }

  @FieldResolver(() => Organization, { nullable: true, description: "The lead organization (chủ trì)." })
  leadOrganization(@Root() t: Task, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, t.leadOrgId);
  }

  @FieldResolver(() => [Organization], { description: "Cooperating organizations (phối hợp), by name." })
  cooperatingOrganizations(@Root() t: Task, @Ctx() ctx: Context): Promise<Organization[]> {
    return ctx.loaders.get(cooperatorsByTask).load(t.id);
  }

  @FieldResolver(() => [Unit], { description: "Units the task concerns." })
  units(@Root() t: Task, @Ctx() ctx: Context): Promise<Unit[]> {
    return ctx.loaders.get(unitsByTask).load(t.id);
  }

  @FieldResolver(() => PlanTarget, { nullable: true, description: "The plan target the task delivers." })
  target(@Root() t: Task, @Ctx() ctx: Context): Promise<PlanTarget | null> {
    return loadById(ctx, targetById, t.targetId);
  }

  @FieldResolver(() => TaskPermissions, { description: "What the viewer may do with this task." })
  async viewerCan(@Root() t: Task, @Ctx() ctx: Context): Promise<TaskPermissions> {
    const [parent, plan, lead] = await Promise.all([
      loadById(ctx, taskRowById, t.parentId),
      loadRequired(ctx, planById, t.planId, "Plan"),
      loadById(ctx, organizationById, t.leadOrgId),
    ]);
    const [scope, leadUnit] = await Promise.all([
      loadRequired(ctx, unitById, plan.scopeUnitId, "Unit"),
      loadById(ctx, unitById, lead?.unitId ?? null),
    ]);
    return taskPermissions(requireViewer(ctx), {
      leadOrgId: t.leadOrgId,
      parentLeadOrgId: parent?.leadOrgId ?? null,
      planScopePath: scope.path,
      leadUnitLevel: leadUnit?.level ?? null,
    });
  }

  @FieldResolver(() => Boolean, {
    description: "Past due (in Asia/Ho_Chi_Minh) and neither done nor cancelled.",
  })
  isOverdue(@Root() t: Task, @Ctx() ctx: Context): boolean {
    return isOverdue(t, today(ctx));
  }
}
