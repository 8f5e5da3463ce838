import { registerEnumType } from "type-graphql";

/**
 * A task's status. The workflow (issue: assignment workflow) decides transitions; the task's
 * status follows its lead assignment. Stored as a string so new states need no migration.
 */
export enum TaskStatus {
  DRAFT = "draft",
  ASSIGNED = "assigned",
  ACCEPTED = "accepted",
  IN_PROGRESS = "in_progress",
  REPORTED = "reported",
  DONE = "done",
  PAUSED = "paused",
  CANCELLED = "cancelled",
}
registerEnumType(TaskStatus, { name: "TaskStatus" });

/** Statuses in which a task no longer runs: it cannot be overdue. */
export const CLOSED_STATUSES: readonly TaskStatus[] = [TaskStatus.DONE, TaskStatus.CANCELLED];

export enum TaskSort {
  DUE_DATE_ASC = "DUE_DATE_ASC",
  DUE_DATE_DESC = "DUE_DATE_DESC",
  CODE_ASC = "CODE_ASC",
}
registerEnumType(TaskSort, {
  name: "TaskSort",
  description: "DUE_DATE_ASC (default): least time left first, tasks without a due date last.",
});
