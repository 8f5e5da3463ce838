import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from "type-graphql";
import { loadCalendar } from "../calendar/calendar.loaders";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import { planById } from "../plans/plan.loaders";
import { type Context, requireViewer } from "../shared/context";
import { toGlobalId } from "../shared/ids";
import { loadById, loadRequired } from "../shared/loaders";
import { Task } from "../tasks/task.entity";
import { taskById, taskRowById } from "../tasks/task.loaders";
import { today } from "../tasks/task.queries";
import { unitById } from "../units/unit.loaders";
import { User } from "../auth/user.entity";
import { userById } from "../auth/user.loaders";
import { Assignment, AssignmentEvent, AssignmentRole } from "./assignment.entity";
import { ASSIGNMENT_STATUS_OF_TASK, AssignmentAction, actionsFrom, transitionFor } from "./assignment.states";
import { assignTaskGroup } from "./commands/assign-task-group.command";
import { delegateTask } from "./commands/delegate-task.command";
import {
  ReportingPeriodsPayload,
  SetReportingPeriodsInput,
  setReportingPeriods,
} from "./commands/set-reporting-periods.command";
import { transitionAssignment } from "./commands/transition-assignment.command";
import { ProgressExplanation, ProgressMethod, parentProgress } from "./progress";
import { Timeliness, timelinessOf } from "./timeliness";
import { mayAct } from "./workflow.policy";
import { allChildrenByParent, assignmentsByTask, eventsByAssignment } from "./workflow.loaders";
import {
  AssignmentPayload,
  AssignTaskGroupInput,
  DelegatePayload,
  DelegateTaskInput,
  TransitionAssignmentInput,
} from "./workflow.types";

@ObjectType({ description: "What the viewer may do with this assignment now." })
export class AssignmentPermissions {
  @Field(() => [AssignmentAction], {
    description: "Transitions the viewer may take from the current status.",
  })
  actions!: AssignmentAction[];

  @Field({ description: "Submit progress reports (the assignee, while the work runs)." })
  report!: boolean;
}

@Authorized()
@Resolver()
export class WorkflowMutations {
  @Mutation(() => AssignmentPayload, {
    description: "Accept, return, start, approve, send back, pause, resume or cancel an assignment.",
  })
  transitionAssignment(
    @Arg("input", () => TransitionAssignmentInput) input: TransitionAssignmentInput,
    @Ctx() ctx: Context,
  ): Promise<AssignmentPayload> {
    return transitionAssignment(ctx, input);
  }

  @Mutation(() => DelegatePayload, {
    description: "Split a task into sub-tasks for the units below, with quotas; atomic.",
  })
  delegateTask(
    @Arg("input", () => DelegateTaskInput) input: DelegateTaskInput,
    @Ctx() ctx: Context,
  ): Promise<DelegatePayload> {
    return delegateTask(ctx, input);
  }

  @Mutation(() => ReportingPeriodsPayload, {
    description: "Set a plan's reporting periods (kỳ báo cáo); coordinators only.",
  })
  setReportingPeriods(
    @Arg("input", () => SetReportingPeriodsInput) input: SetReportingPeriodsInput,
    @Ctx() ctx: Context,
  ): Promise<ReportingPeriodsPayload> {
    return setReportingPeriods(ctx, input);
  }

  @Mutation(() => DelegatePayload, {
    description: "Give every task of a plan group to several organizations at once; atomic.",
  })
  assignTaskGroup(
    @Arg("input", () => AssignTaskGroupInput) input: AssignTaskGroupInput,
    @Ctx() ctx: Context,
  ): Promise<DelegatePayload> {
    return assignTaskGroup(ctx, input);
  }
}

@Authorized()
@Resolver(() => Assignment)
export class AssignmentResolver {
  @FieldResolver(() => Task)
  task(@Root() a: Assignment, @Ctx() ctx: Context): Promise<Task> {
    return loadRequired(ctx, taskById, a.taskId, "Task");
  }

  @FieldResolver(() => Organization, { description: "The assigned organization." })
  organization(@Root() a: Assignment, @Ctx() ctx: Context): Promise<Organization> {
    return loadRequired(ctx, organizationById, a.orgId, "Organization");
  }

  @FieldResolver(() => Organization, { description: "The organization that assigned it." })
  assigner(@Root() a: Assignment, @Ctx() ctx: Context): Promise<Organization> {
    return loadRequired(ctx, organizationById, a.assignerOrgId, "Organization");
  }

  @FieldResolver(() => User, { nullable: true, description: "The named member the work went to, if any." })
  assignee(@Root() a: Assignment, @Ctx() ctx: Context): Promise<User | null> {
    return loadById(ctx, userById, a.assigneeUserId);
  }

  @FieldResolver(() => [AssignmentEvent], { description: "Every step so far, oldest first." })
  history(@Root() a: Assignment, @Ctx() ctx: Context): Promise<AssignmentEvent[]> {
    return ctx.loaders.get(eventsByAssignment).load(a.id);
  }

  @FieldResolver(() => Timeliness, { nullable: true, description: "Null for cancelled work." })
  async timeliness(@Root() a: Assignment, @Ctx() ctx: Context): Promise<Timeliness | null> {
    return timelinessOf(a, today(ctx), await loadCalendar(ctx));
  }

  @FieldResolver(() => AssignmentPermissions)
  async viewerCan(@Root() a: Assignment, @Ctx() ctx: Context): Promise<AssignmentPermissions> {
    const viewer = requireViewer(ctx);
    const task = await loadRequired(ctx, taskRowById, a.taskId, "Task");
    const plan = await loadRequired(ctx, planById, task.planId, "Plan");
    const scope = await loadRequired(ctx, unitById, plan.scopeUnitId, "Unit");
    const facts = {
      orgId: a.orgId,
      assigneeUserId: a.assigneeUserId,
      assignerOrgId: a.assignerOrgId,
      planScopePath: scope.path,
    };
    const actions = actionsFrom(a.status).filter((action) => {
      const t = transitionFor(action, a.status);
      return t !== null && action !== AssignmentAction.REPORT_FINAL && mayAct(viewer, t.by, facts);
    });
    return {
      actions,
      report:
        mayAct(viewer, "assignee", facts) && transitionFor(AssignmentAction.REPORT_FINAL, a.status) !== null,
    };
  }
}

@Authorized()
@Resolver(() => Task)
export class TaskWorkflowResolver {
  @FieldResolver(() => [Assignment], {
    description: "The lead's assignment first, then the cooperating organizations'.",
  })
  assignments(@Root() t: Task, @Ctx() ctx: Context): Promise<Assignment[]> {
    return ctx.loaders.get(assignmentsByTask).load(t.id);
  }

  @FieldResolver(() => Timeliness, {
    nullable: true,
    description: "From the lead assignment (or the task's dates when it has none); null when cancelled.",
  })
  async timeliness(@Root() t: Task, @Ctx() ctx: Context): Promise<Timeliness | null> {
    const assignments = await ctx.loaders.get(assignmentsByTask).load(t.id);
    const lead = assignments.find((a) => a.orgId === t.leadOrgId && a.role === AssignmentRole.LEAD);
    const facts = lead ?? {
      status: ASSIGNMENT_STATUS_OF_TASK[t.status],
      dueDate: t.dueDate,
      completedOn: null,
    };
    return timelinessOf(facts, today(ctx), await loadCalendar(ctx));
  }

  @FieldResolver(() => ProgressExplanation, {
    description: "How the task's percent follows from its sub-tasks (or its own reports).",
  })
  async progressExplanation(@Root() t: Task, @Ctx() ctx: Context): Promise<ProgressExplanation> {
    const computed = parentProgress(await ctx.loaders.get(allChildrenByParent).load(t.id));
    if (!computed) return { method: ProgressMethod.OWN, percent: t.progress, parts: [] };
    return {
      method: computed.method,
      percent: computed.percent.toFixed(2),
      parts: computed.parts.map((p) => ({
        taskId: toGlobalId("Task", p.id),
        weight: p.weight.toFixed(4),
        percent: p.percent.toFixed(2),
        contribution: p.contribution.toFixed(2),
      })),
    };
  }
}
