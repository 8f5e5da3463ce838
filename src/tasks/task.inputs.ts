import { IsOptional, Length } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { LocalDate } from "../shared/scalars";
import { TaskStatus } from "./task.enums";

export enum OrganizationRole {
  LEAD = "LEAD",
  COOPERATING = "COOPERATING",
  ANY = "ANY",
}
registerEnumType(OrganizationRole, {
  name: "OrganizationRole",
  description: "LEAD (chủ trì), COOPERATING (phối hợp), or ANY of the two.",
});

@InputType({ description: "Filters for tasks; all given filters must match." })
export class TaskFilter {
  @Field(() => ID, { nullable: true })
  planId?: string | null;

  @Field(() => String, { nullable: true, description: "The task with this code, e.g. '125-3.1'." })
  @IsOptional()
  @Length(1, 40, { message: "code must be 1 to 40 characters" })
  code?: string | null;

  @Field(() => ID, { nullable: true })
  groupId?: string | null;

  @Field(() => ID, { nullable: true, description: "Direct sub-tasks of this task." })
  parentId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only tasks of the plan itself (no sub-tasks).",
  })
  rootOnly?: boolean | null;

  @Field(() => ID, {
    nullable: true,
    description: "Tasks this organization leads or cooperates on (see organizationRole).",
  })
  organizationId?: string | null;

  @Field(() => OrganizationRole, { nullable: true, defaultValue: OrganizationRole.ANY })
  organizationRole?: OrganizationRole | null;

  @Field(() => ID, {
    nullable: true,
    description: "Tasks that concern this unit or any unit below it, or whose lead organization sits there.",
  })
  unitId?: string | null;

  @Field(() => [TaskStatus], { nullable: true, description: "Any of these statuses." })
  statuses?: TaskStatus[] | null;

  @Field(() => LocalDate, { nullable: true, description: "Due on or after this date." })
  dueFrom?: string | null;

  @Field(() => LocalDate, { nullable: true, description: "Due on or before this date." })
  dueTo?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "true: past due (before today in Asia/Ho_Chi_Minh) and neither done nor cancelled; false: the others.",
  })
  overdue?: boolean | null;
}
