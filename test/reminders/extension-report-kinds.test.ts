import type { CalendarExceptions } from "../../src/calendar/working-days";
import {
  extensionIdOf,
  extensionReminderDays,
  extensionReminderKind,
  isExtensionReminderKind,
} from "../../src/reminders/extension-reminders";
import { DEFAULT_LADDER } from "../../src/reminders/ladder";
import { isReportReminderKind, reportReminders, reportRungOf } from "../../src/reminders/report-reminders";
import { VN_CALENDAR } from "../../src/seed/calendar-vn";

const calendar: CalendarExceptions = new Map(VN_CALENDAR.map((d) => [d.date, d.kind]));
const TZ = "Asia/Ho_Chi_Minh";

describe("approver and report reminders (pure)", () => {
  it("reminds the approver each working day after the request, skipping Tết, escalating after 3", () => {
    const days = extensionReminderDays("2023-01-18", DEFAULT_LADDER, calendar, {
      timeZone: TZ,
      from: "2023-01-01",
      until: "2023-01-31",
    });
    expect(
      days.map((d) => [d.day, d.fireAt.toISOString(), d.waitedWorkingDays, d.recipients.join("+")]),
    ).toEqual([
      ["2023-01-19", "2023-01-19T01:00:00.000Z", 1, "assigner"],
      ["2023-01-27", "2023-01-27T01:00:00.000Z", 2, "assigner"],
      ["2023-01-30", "2023-01-30T01:00:00.000Z", 3, "assigner+coordinators"],
      ["2023-01-31", "2023-01-31T01:00:00.000Z", 4, "assigner+coordinators"],
    ]);
    const never = extensionReminderDays(
      "2023-01-18",
      { ...DEFAULT_LADDER, escalateAfterWorkingDays: 0, localHour: 14 },
      calendar,
      { timeZone: TZ, from: "2023-01-30", until: "2023-01-30" },
    );
    expect(never.map((d) => [d.fireAt.toISOString(), d.recipients.join("+")])).toEqual([
      ["2023-01-30T07:00:00.000Z", "assigner"],
    ]);
  });

  it("puts report rungs on the ladder's before-days of the period's due date", () => {
    expect(
      reportReminders("2023-01-31", DEFAULT_LADDER, calendar, TZ).map((r) => [r.kind, r.fireAtLocalDate]),
    ).toEqual([
      ["report_due_before_7", "2023-01-13"],
      ["report_due_before_3", "2023-01-19"],
      ["report_due_before_1", "2023-01-30"],
    ]);
  });

  it.each([
    ["ext_pending_42", true, false],
    ["ext_pending_0", false, false],
    ["ext_pending_", false, false],
    ["report_due_before_7", false, true],
    ["report_due_before_60", false, true],
    ["report_due_before_0", false, false],
    ["report_due_monthly", false, false],
    ["before_7", false, false],
  ])("%s: extension kind %s, report kind %s", (kind, ext, report) => {
    expect([isExtensionReminderKind(kind), isReportReminderKind(kind)]).toEqual([ext, report]);
  });

  it("round-trips ids and rungs, within the 24 characters of reminder_delivery.kind", () => {
    expect(extensionIdOf(extensionReminderKind(4_000_000_000))).toBe(4_000_000_000);
    expect(extensionReminderKind(4_000_000_000).length).toBeLessThanOrEqual(24);
    expect(reportRungOf("report_due_before_60")).toBe(60);
  });
});
