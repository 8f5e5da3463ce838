import { Field, InputType, Int, ObjectType } from "type-graphql";
import { ID } from "type-graphql";
import { Decimal, LocalDate } from "../shared/scalars";
import { UserError } from "../shared/user-errors";
import { Task } from "../tasks/task.entity";
import { Assignment } from "./assignment.entity";
import { AssignmentAction } from "./assignment.states";

@InputType({
  description:
    "Move an assignment along its life: accept, return, start, approve, send back, pause, resume, cancel.",
})
export class TransitionAssignmentInput {
  @Field(() => ID)
  assignmentId!: string;

  @Field(() => AssignmentAction, {
    description: "REPORT_FINAL happens through submitReport(final: true), not here.",
  })
  action!: AssignmentAction;

  @Field(() => Int, { description: "The version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field(() => String, { nullable: true, description: "Required for RETURN, SEND_BACK, PAUSE and CANCEL." })
  reason?: string | null;
}

@ObjectType()
export class AssignmentPayload {
  @Field(() => Assignment, {
    nullable: true,
    description: "The assignment after the change; null when userErrors is not empty.",
  })
  assignment!: Assignment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class DelegatePayload {
  @Field(() => [Task], {
    description: "The sub-tasks created, in input order; empty when userErrors is not empty.",
  })
  tasks!: Task[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: "One sub-task to create under the delegated task." })
export class SubtaskInput {
  @Field(() => ID, { description: "The organization that leads the sub-task (chủ trì)." })
  leadOrganizationId!: string;

  @Field(() => ID, {
    nullable: true,
    description: "A named member of the lead organization (e.g. of a board), when the work goes to a person.",
  })
  assigneeUserId?: string | null;

  @Field(() => [ID], { nullable: true, description: "Cooperating organizations (phối hợp)." })
  cooperatingOrganizationIds?: string[] | null;

  @Field(() => String, { nullable: true, description: "Defaults to the parent's title." })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Decimal, { nullable: true, description: "This sub-task's share of the parent's quota." })
  quota?: string | null;

  @Field(() => String, { nullable: true, description: "Defaults to the parent's unit of quota." })
  quotaUnit?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: "Defaults to the parent's; never after it, never in the past.",
  })
  dueDate?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: "Units the sub-task concerns; defaults to the lead organization's unit.",
  })
  unitIds?: string[] | null;
}

@InputType({ description: "Split a task into sub-tasks for the units below (giao tiếp xuống cấp dưới)." })
export class DelegateTaskInput {
  @Field(() => ID)
  taskId!: string;

  @Field(() => Int, { description: "The parent task's version you last read." })
  version!: number;

  @Field(() => [SubtaskInput])
  subtasks!: SubtaskInput[];
}

@InputType({
  description:
    "Give every task of a plan group to several organizations at once (the same task to all 8 districts).",
})
export class AssignTaskGroupInput {
  @Field(() => ID)
  groupId!: string;

  @Field(() => [ID], { description: "1 to 100 organizations, one level down from you." })
  organizationIds!: string[];

  @Field(() => LocalDate, { nullable: true, description: "Defaults to each task's own deadline." })
  dueDate?: string | null;
}
