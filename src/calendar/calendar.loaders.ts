import DataLoader from "dataloader";
import type { Context } from "../shared/context";
import { CalendarDay, type CalendarDayKind } from "./calendar-day.entity";
import type { CalendarExceptions } from "./working-days";

/** The whole exceptions table (a few dozen rows a year), once per request. */
export const calendarExceptions = (ctx: Context) =>
  new DataLoader<"all", CalendarExceptions>(async (keys) => {
    const rows = await ctx.ds.getRepository(CalendarDay).find();
    const map = new Map<string, CalendarDayKind>(rows.map((r) => [r.date, r.kind]));
    return keys.map(() => map);
  });

export function loadCalendar(ctx: Context): Promise<CalendarExceptions> {
  return ctx.loaders.get(calendarExceptions).load("all");
}
