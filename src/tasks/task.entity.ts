import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import {
  ConfidenceColumn,
  CreatedAt,
  DateColumn,
  NoteColumn,
  RefColumn,
  SourcesColumn,
  UpdatedAt,
} from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Confidence } from "../shared/provenance";
import { Decimal, LocalDate } from "../shared/scalars";
import { TaskStatus } from "./task.enums";

/**
 * A task of a plan (nhiệm vụ). One lead organization (chủ trì), any number of cooperating ones
 * (phối hợp), the units it concerns. Sub-tasks (delegation) hang under `parentId`; `path` holds
 * the ids from the root task down, so a task's subtree is one prefix check.
 */
@ObjectType("Task", { implements: Node, description: "A task (nhiệm vụ) of a plan." })
@Entity("task")
@Index("uq_task_code", ["planId", "code"], { unique: true })
// Referenced by assignment (task_id, plan_id): an assignment's plan is its task's.
@Index("uq_task_id_plan", ["id", "planId"], { unique: true })
@Index("ix_task_due", ["dueDate", "id"])
@Index("ix_task_plan_due", ["planId", "dueDate", "id"])
@Index("ix_task_lead", ["leadOrgId", "dueDate"])
@Index("ix_task_group", ["groupId"])
@Index("ix_task_parent", ["parentId"])
@Index("ix_task_path", ["path"])
@Index("ix_task_status_due", ["status", "dueDate"])
export class Task {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Task", this.id);
  }

  @ForeignKey("Plan")
  @RefColumn("plan_id")
  planId!: number;

  @ForeignKey("TaskGroup")
  @RefColumn("group_id", true)
  groupId!: number | null;

  @ForeignKey("Task")
  @RefColumn("parent_id", true)
  parentId!: number | null;

  @Column({ type: "varchar", length: 255, collation: "ascii_bin", charset: "ascii" })
  path!: string;

  @Field(() => Int, { description: "0 for a task of the plan, 1 for its sub-tasks, and so on." })
  @Column({ type: "tinyint", unsigned: true, default: 0 })
  depth!: number;

  @Field({ description: "Code within the plan, e.g. '125-3.1'." })
  @Column({ type: "varchar", length: 40 })
  code!: string;

  @Field()
  @Column({ type: "varchar", length: 500 })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @ForeignKey("Organization")
  @RefColumn("lead_org_id", true)
  leadOrgId!: number | null;

  @ForeignKey("PlanTarget")
  @RefColumn("target_id", true)
  targetId!: number | null;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("start_date")
  startDate!: string | null;

  @Field(() => LocalDate, { nullable: true, description: "Deadline, a calendar date in Asia/Ho_Chi_Minh." })
  @DateColumn("due_date")
  dueDate!: string | null;

  @Field(() => TaskStatus)
  @Column({ type: "varchar", length: 16, default: TaskStatus.ASSIGNED })
  status!: TaskStatus;

  @Field(() => Decimal, { description: "Percent done, 0–100." })
  @Column({ type: "decimal", precision: 5, scale: 2, default: "0.00" })
  progress!: string;

  @Field(() => Decimal, {
    nullable: true,
    description: "Quantity this task must deliver, e.g. 60 (villages).",
  })
  @Column({ type: "decimal", precision: 14, scale: 2, nullable: true })
  quota!: string | null;

  @Field(() => String, { nullable: true, description: "Unit of the quota, e.g. 'thôn'." })
  @Column({ name: "quota_unit", type: "varchar", length: 32, nullable: true })
  quotaUnit!: string | null;

  @Field(() => Int, { description: "Optimistic-lock version; state-changing mutations must send it back." })
  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @Field(() => String, { nullable: true })
  @NoteColumn()
  note!: string | null;

  @Field(() => [String])
  @SourcesColumn()
  sources!: string[];

  @Field(() => Confidence)
  @ConfidenceColumn()
  confidence!: Confidence;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/** A cooperating organization (đơn vị phối hợp) of a task. */
@Entity("task_cooperator")
@Index("ix_task_cooperator_org", ["orgId", "taskId"])
export class TaskCooperator {
  @ForeignKey("Task", { onDelete: "CASCADE" })
  @PrimaryColumn({ name: "task_id", type: "int", unsigned: true })
  taskId!: number;

  @ForeignKey("Organization")
  @PrimaryColumn({ name: "org_id", type: "int", unsigned: true })
  orgId!: number;
}

/** A unit a task concerns (đơn vị liên quan), e.g. the districts of the 35 specially difficult communes. */
@Entity("task_unit")
@Index("ix_task_unit_unit", ["unitId", "taskId"])
export class TaskUnit {
  @ForeignKey("Task", { onDelete: "CASCADE" })
  @PrimaryColumn({ name: "task_id", type: "int", unsigned: true })
  taskId!: number;

  @ForeignKey("Unit")
  @PrimaryColumn({ name: "unit_id", type: "int", unsigned: true })
  unitId!: number;
}
