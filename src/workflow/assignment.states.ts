import { registerEnumType } from "type-graphql";
import { TaskStatus } from "../tasks/task.enums";

/** The life of an assignment, as Vietnamese task-tracking rules describe it. */
export enum AssignmentStatus {
  ASSIGNED = "assigned",
  ACCEPTED = "accepted",
  RETURNED = "returned",
  IN_PROGRESS = "in_progress",
  REPORTED = "reported",
  REWORK = "rework",
  APPROVED = "approved",
  PAUSED = "paused",
  CANCELLED = "cancelled",
}
registerEnumType(AssignmentStatus, {
  name: "AssignmentStatus",
  description:
    "ASSIGNED (giao), ACCEPTED (tiếp nhận), RETURNED (trả lại: wrong unit), IN_PROGRESS (đang thực hiện), REPORTED (đã báo cáo, awaiting approval), REWORK (sent back), APPROVED (hoàn thành), PAUSED (tạm hoãn), CANCELLED (hủy).",
});

/** Who may take an action: the assignee organization's officers, or the assigner's. */
export type Actor = "assignee" | "assigner";

export enum AssignmentAction {
  ACCEPT = "accept",
  RETURN = "return",
  START = "start",
  REPORT_FINAL = "report_final",
  APPROVE = "approve",
  SEND_BACK = "send_back",
  PAUSE = "pause",
  RESUME = "resume",
  CANCEL = "cancel",
}
registerEnumType(AssignmentAction, { name: "AssignmentAction" });

export interface Transition {
  action: AssignmentAction;
  from: readonly AssignmentStatus[];
  /** The new status; for RESUME, the status the assignment was paused in. */
  to: AssignmentStatus | "previous";
  by: Actor;
  /** A reason or comment is required. */
  needsReason: boolean;
}

const S = AssignmentStatus;
const RUNNING = [S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.REWORK] as const;

/** Every allowed transition, in one place. Anything not listed is an illegal transition. */
export const TRANSITIONS: readonly Transition[] = [
  { action: AssignmentAction.ACCEPT, from: [S.ASSIGNED], to: S.ACCEPTED, by: "assignee", needsReason: false },
  { action: AssignmentAction.RETURN, from: [S.ASSIGNED], to: S.RETURNED, by: "assignee", needsReason: true },
  {
    action: AssignmentAction.START,
    from: [S.ACCEPTED, S.REWORK],
    to: S.IN_PROGRESS,
    by: "assignee",
    needsReason: false,
  },
  {
    action: AssignmentAction.REPORT_FINAL,
    from: [S.ACCEPTED, S.IN_PROGRESS, S.REWORK],
    to: S.REPORTED,
    by: "assignee",
    needsReason: false,
  },
  {
    action: AssignmentAction.APPROVE,
    from: [S.REPORTED],
    to: S.APPROVED,
    by: "assigner",
    needsReason: false,
  },
  { action: AssignmentAction.SEND_BACK, from: [S.REPORTED], to: S.REWORK, by: "assigner", needsReason: true },
  {
    action: AssignmentAction.PAUSE,
    from: [...RUNNING, S.REPORTED],
    to: S.PAUSED,
    by: "assigner",
    needsReason: true,
  },
  { action: AssignmentAction.RESUME, from: [S.PAUSED], to: "previous", by: "assigner", needsReason: false },
  {
    action: AssignmentAction.CANCEL,
    from: [...RUNNING, S.REPORTED, S.PAUSED, S.RETURNED],
    to: S.CANCELLED,
    by: "assigner",
    needsReason: true,
  },
];

/** States in which nothing more happens. */
export const FINAL_STATUSES: readonly AssignmentStatus[] = [S.APPROVED, S.CANCELLED];

/** States in which the assignee may submit progress reports. */
export const REPORTABLE_STATUSES: readonly AssignmentStatus[] = [S.ACCEPTED, S.IN_PROGRESS, S.REWORK];

export function transitionFor(action: AssignmentAction, from: AssignmentStatus): Transition | null {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(from)) ?? null;
}

/** The actions available from a status (for viewerCan and for error messages). */
export function actionsFrom(from: AssignmentStatus): AssignmentAction[] {
  return TRANSITIONS.filter((t) => t.from.includes(from)).map((t) => t.action);
}

/** The task's status follows its lead assignment's. */
export const TASK_STATUS_OF: Record<AssignmentStatus, TaskStatus> = {
  [S.ASSIGNED]: TaskStatus.ASSIGNED,
  [S.RETURNED]: TaskStatus.ASSIGNED,
  [S.ACCEPTED]: TaskStatus.ACCEPTED,
  [S.IN_PROGRESS]: TaskStatus.IN_PROGRESS,
  [S.REWORK]: TaskStatus.IN_PROGRESS,
  [S.REPORTED]: TaskStatus.REPORTED,
  [S.APPROVED]: TaskStatus.DONE,
  [S.PAUSED]: TaskStatus.PAUSED,
  [S.CANCELLED]: TaskStatus.CANCELLED,
};

/** For a task without assignments: the assignment status its own status stands for. */
export const ASSIGNMENT_STATUS_OF_TASK: Record<TaskStatus, AssignmentStatus> = {
  [TaskStatus.DRAFT]: S.ASSIGNED,
  [TaskStatus.ASSIGNED]: S.ASSIGNED,
  [TaskStatus.ACCEPTED]: S.ACCEPTED,
  [TaskStatus.IN_PROGRESS]: S.IN_PROGRESS,
  [TaskStatus.REPORTED]: S.REPORTED,
  [TaskStatus.DONE]: S.APPROVED,
  [TaskStatus.PAUSED]: S.PAUSED,
  [TaskStatus.CANCELLED]: S.CANCELLED,
};
