import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, DateColumn, RefColumn } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { LocalDate } from "../shared/scalars";

export enum ExtensionStatus {
  PENDING = "pending",
  APPROVED = "approved",
  REJECTED = "rejected",
  WITHDRAWN = "withdrawn",
}
registerEnumType(ExtensionStatus, { name: "ExtensionStatus" });

/** A request to move an assignment's deadline (gia hạn), decided by the assigner. */
@ObjectType("DeadlineExtension", { implements: Node, description: "A deadline extension request (gia hạn)." })
@Entity("deadline_extension")
@Index("ix_extension_assignment", ["assignmentId", "status"])
export class DeadlineExtension {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("DeadlineExtension", this.id);
  }

  @ForeignKey("Assignment", { onDelete: "CASCADE" })
  @RefColumn("assignment_id")
  assignmentId!: number;

  @Field(() => LocalDate, { nullable: true, description: "The deadline when the request was made." })
  @DateColumn("current_due_date")
  currentDueDate!: string | null;

  @Field(() => LocalDate)
  @DateColumn("requested_due_date", false)
  requestedDueDate!: string;

  @Field()
  @Column({ type: "text" })
  reason!: string;

  @Field(() => ExtensionStatus)
  @Column({ type: "varchar", length: 16, default: ExtensionStatus.PENDING })
  status!: ExtensionStatus;

  @Field(() => String, { nullable: true })
  @Column({ name: "decision_comment", type: "text", nullable: true })
  decisionComment!: string | null;

  @ForeignKey("User")
  @RefColumn("requested_by_user_id")
  requestedByUserId!: number;

  @ForeignKey("User")
  @RefColumn("decided_by_user_id", true)
  decidedByUserId!: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "decided_at", type: "datetime", precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Field(() => Date, { name: "requestedAt" })
  @CreatedAt()
  createdAt!: Date;
}

/** Every change of a task's or assignment's deadline, with why. */
@ObjectType("DueDateChange", { description: "A change of deadline, kept for history." })
@Entity("due_date_change")
@Index("ix_due_date_change_assignment", ["assignmentId", "id"])
export class DueDateChange {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("Assignment", { onDelete: "CASCADE" })
  @RefColumn("assignment_id")
  assignmentId!: number;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("old_due_date")
  oldDueDate!: string | null;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("new_due_date")
  newDueDate!: string | null;

  @ForeignKey("DeadlineExtension")
  @RefColumn("extension_id", true)
  extensionId!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  reason!: string | null;

  @ForeignKey("User")
  @RefColumn("changed_by_user_id", true)
  changedByUserId!: number | null;

  @Field(() => Date, { name: "changedAt" })
  @CreatedAt()
  createdAt!: Date;
}

/** A comment on a task, visible to everyone who can read the task. */
@ObjectType("TaskComment", { implements: Node, description: "A comment on a task." })
@Entity("task_comment")
@Index("ix_task_comment_task", ["taskId", "id"])
export class TaskComment {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("TaskComment", this.id);
  }

  @ForeignKey("Task", { onDelete: "CASCADE" })
  @RefColumn("task_id")
  taskId!: number;

  @ForeignKey("User")
  @RefColumn("author_user_id")
  authorUserId!: number;

  @Field()
  @Column({ type: "text" })
  body!: string;

  @Field(() => Date)
  @CreatedAt()
  createdAt!: Date;
}
