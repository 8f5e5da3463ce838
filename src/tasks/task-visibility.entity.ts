import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";

/** Whose rows: every task for `all`, a unit's subtree for `unit`, an organization's involvement for `org`. */
export enum VisibilityKind {
  ALL = "all",
  UNIT = "unit",
  ORG = "org",
}

/**
 * Who may read a task, one row per (scope, task), with the task's sort keys beside it, so a
 * viewer's task list is one index range read in order and its count one index range count
 * (issue #7). The database keeps it: triggers on task, task_unit, task_cooperator, organization
 * and admin_unit (migration TaskVisibility) maintain it for every writer, raw SQL included; the
 * application only reads it. The rows mirror the read policy (task.policy.ts `taskScopeOf`):
 * - (`all`, 0): every task, for the system administrator;
 * - (`unit`, U): tasks touching U's subtree: U is the unit, or an ancestor of the unit, of one
 *   of the task's units, its lead organization or a cooperating organization;
 * - (`org`, O): tasks O leads or cooperates on, and every task delegated from those (down the
 *   parent chain, which the materialised path mirrors).
 */
@Entity("task_visibility")
@Index("ix_task_visibility_due_asc", ["kind", "scopeId", "dueAsc", "taskId"])
@Index("ix_task_visibility_due_desc", ["kind", "scopeId", "dueDesc", "taskId"])
@Index("ix_task_visibility_running", ["kind", "scopeId", "running", "dueAsc", "taskId"])
@Index("ix_task_visibility_task", ["taskId"])
export class TaskVisibility {
  @PrimaryColumn({ type: "enum", enum: VisibilityKind })
  kind!: VisibilityKind;

  /** 0 for `all`, a unit id for `unit`, an organization id for `org`. */
  @PrimaryColumn({ name: "scope_id", type: "int", unsigned: true })
  scopeId!: number;

  @ForeignKey("Task", { onDelete: "CASCADE" })
  @PrimaryColumn({ name: "task_id", type: "int", unsigned: true })
  taskId!: number;

  /** The task's due date, '9999-12-31' without one: the DUE_DATE_ASC key (undated last). */
  @Column({ name: "due_asc", type: "date" })
  dueAsc!: string;

  /** The task's due date, '1000-01-01' without one: the DUE_DATE_DESC key (undated last). */
  @Column({ name: "due_desc", type: "date" })
  dueDesc!: string;

  /** The task still runs (its status is not a closed one): overdue is running and past due. */
  @Column({ type: "boolean" })
  running!: boolean;
}
