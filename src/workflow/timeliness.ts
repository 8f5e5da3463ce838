import { registerEnumType } from "type-graphql";
import { type CalendarExceptions, workingDaysBetween } from "../calendar/working-days";
import { AssignmentStatus } from "./assignment.states";

/** Timeliness classes as official progress reports use them. */
export enum Timeliness {
  IN_TERM = "in_term",
  DUE_SOON = "due_soon",
  OVERDUE = "overdue",
  DONE_ON_TIME = "done_on_time",
  DONE_LATE = "done_late",
  NO_DEADLINE = "no_deadline",
}
registerEnumType(Timeliness, {
  name: "Timeliness",
  description:
    "IN_TERM (trong hạn), DUE_SOON (sắp đến hạn: ≤ 3 working days left), OVERDUE (quá hạn), DONE_ON_TIME (hoàn thành đúng hạn), DONE_LATE (hoàn thành quá hạn), NO_DEADLINE (không có thời hạn). Cancelled work has no class.",
});

/** Working days left at which running work counts as due soon. */
export const DUE_SOON_WORKING_DAYS = 3;

export interface TimelinessFacts {
  status: AssignmentStatus;
  dueDate: string | null;
  completedOn: string | null;
}

/** The class of one piece of work on `today` (a local date); null for cancelled work. Pure. */
export function timelinessOf(
  f: TimelinessFacts,
  today: string,
  calendar: CalendarExceptions,
): Timeliness | null {
  if (f.status === AssignmentStatus.CANCELLED) return null;
  if (f.status === AssignmentStatus.APPROVED) {
    if (f.dueDate === null) return Timeliness.DONE_ON_TIME;
    return f.completedOn !== null && f.completedOn <= f.dueDate
      ? Timeliness.DONE_ON_TIME
      : Timeliness.DONE_LATE;
  }
  if (f.dueDate === null) return Timeliness.NO_DEADLINE;
  if (today > f.dueDate) return Timeliness.OVERDUE;
  return workingDaysBetween(today, f.dueDate, calendar) <= DUE_SOON_WORKING_DAYS
    ? Timeliness.DUE_SOON
    : Timeliness.IN_TERM;
}
