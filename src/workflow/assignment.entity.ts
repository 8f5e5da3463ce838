import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, DateColumn, RefColumn, UpdatedAt } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Decimal, LocalDate } from "../shared/scalars";
import { AssignmentStatus } from "./assignment.states";

export enum AssignmentRole {
  LEAD = "lead",
  COOPERATING = "cooperating",
}
registerEnumType(AssignmentRole, {
  name: "AssignmentRole",
  description: "LEAD (chủ trì) or COOPERATING (phối hợp).",
});

/**
 * One organization's part in a task: the lead (chủ trì) or a cooperating organization (phối hợp),
 * each with its own status, reports and history. The lead's status decides the task's.
 * Optionally a named member of the organization (a board member) is the assignee.
 */
@ObjectType("Assignment", {
  implements: Node,
  description: "An organization's part in a task (giao nhiệm vụ).",
})
@Entity("assignment")
// The task's plan is kept on the assignment (planId) and this key keeps the two equal: an
// assignment cannot name another plan than its task's, and a task moved to another plan takes its
// assignments along.
@ForeignKey("Task", ["taskId", "planId"], ["id", "planId"], { onDelete: "CASCADE", onUpdate: "CASCADE" })
@Index("uq_assignment_task_org", ["taskId", "orgId"], { unique: true })
@Index("ix_assignment_task_plan", ["taskId", "planId"])
// The roll-up counts a plan's assignments per organization from this index alone (src/rollup).
@Index("ix_assignment_plan_org", ["planId", "orgId", "status", "dueDate", "completedOn"])
@Index("ix_assignment_org_status", ["orgId", "status"])
@Index("ix_assignment_due", ["dueDate", "status"])
export class Assignment {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Assignment", this.id);
  }

  @RefColumn("task_id")
  taskId!: number;

  /** The task's plan (always equal to it: see the composite foreign key above). */
  @RefColumn("plan_id")
  planId!: number;

  @ForeignKey("Organization")
  @RefColumn("org_id")
  orgId!: number;

  /** A named member of the organization (e.g. of the village development board), when one is. */
  @ForeignKey("User")
  @RefColumn("assignee_user_id", true)
  assigneeUserId!: number | null;

  @Field(() => AssignmentRole)
  @Column({ type: "varchar", length: 16 })
  role!: AssignmentRole;

  /** The organization that gave the assignment (the lead of the parent task, or the plan's coordinators). */
  @ForeignKey("Organization")
  @RefColumn("assigner_org_id")
  assignerOrgId!: number;

  @Field(() => AssignmentStatus)
  @Column({ type: "varchar", length: 16, default: AssignmentStatus.ASSIGNED })
  status!: AssignmentStatus;

  /** The status it was paused in, to resume to. */
  @Column({ name: "paused_from", type: "varchar", length: 16, nullable: true })
  pausedFrom!: AssignmentStatus | null;

  @Field(() => Decimal, { description: "Percent done, 0–100, from the latest report." })
  @Column({ type: "decimal", precision: 5, scale: 2, default: "0.00" })
  progress!: string;

  @Field(() => LocalDate, { nullable: true, description: "Deadline, a calendar date in Asia/Ho_Chi_Minh." })
  @DateColumn("due_date")
  dueDate!: string | null;

  @Field(() => LocalDate, { nullable: true, description: "Local date it was approved as done." })
  @DateColumn("completed_on")
  completedOn!: string | null;

  @Field(() => Int, {
    description: "Optimistic-lock version; every state-changing mutation must send it back.",
  })
  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/** One step in an assignment's history. */
@ObjectType("AssignmentEvent", { description: "A step in an assignment's history." })
@Entity("assignment_event")
@Index("ix_assignment_event", ["assignmentId", "id"])
export class AssignmentEvent {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("Assignment", { onDelete: "CASCADE" })
  @RefColumn("assignment_id")
  assignmentId!: number;

  @Field({
    description:
      "assign, accept, return, start, report, report_final, approve, send_back, pause, resume, cancel, extend.",
  })
  @Column({ type: "varchar", length: 24 })
  action!: string;

  @Field(() => AssignmentStatus, { nullable: true })
  @Column({ name: "from_status", type: "varchar", length: 16, nullable: true })
  fromStatus!: AssignmentStatus | null;

  @Field(() => AssignmentStatus)
  @Column({ name: "to_status", type: "varchar", length: 16 })
  toStatus!: AssignmentStatus;

  @ForeignKey("User")
  @RefColumn("actor_user_id", true)
  actorUserId!: number | null;

  @Field(() => String, { nullable: true, description: "Reason or comment given with the step." })
  @Column({ type: "text", nullable: true })
  comment!: string | null;

  @Field(() => Date)
  @CreatedAt()
  createdAt!: Date;
}
