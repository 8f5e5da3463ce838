import { type CalendarExceptions, isWorkingDay } from "../../src/calendar/working-days";
import { sendReminderJobId } from "../../src/reminders/jobs/send-reminder.job";
import {
  DEFAULT_LADDER,
  dueReminders,
  isReminderKind,
  ladderProblems,
  type ReminderLadder,
} from "../../src/reminders/ladder";
import { zonedInstant } from "../../src/reminders/local-time";
import { renderReminder, vnDate } from "../../src/reminders/render";
import { VN_CALENDAR } from "../../src/seed/calendar-vn";
import { AssignmentStatus } from "../../src/workflow/assignment.states";

const calendar: CalendarExceptions = new Map(VN_CALENDAR.map((d) => [d.date, d.kind]));
const TZ = "Asia/Ho_Chi_Minh";
const S = AssignmentStatus;

/** [kind, local date, UTC instant, recipients] of every rung, in firing order. */
function ladderOf(
  dueDate: string | null,
  until: string,
  ladder: ReminderLadder = DEFAULT_LADDER,
  status = S.ACCEPTED,
) {
  return dueReminders({ status, dueDate }, ladder, calendar, { timeZone: TZ, until }).map((r) => [
    r.kind,
    r.fireAtLocalDate,
    r.fireAt.toISOString(),
    r.recipients.join("+"),
  ]);
}

describe("the reminder ladder around Tết 2023 (closed Friday 20/1 to Thursday 26/1)", () => {
  it.each([
    [
      "due Tuesday 31/1: 7 and 3 working days before fall before Tết",
      "2023-01-31",
      [
        ["before_7", "2023-01-13", "2023-01-13T01:00:00.000Z", "assignee"],
        ["before_3", "2023-01-19", "2023-01-19T01:00:00.000Z", "assignee"],
        ["before_1", "2023-01-30", "2023-01-30T01:00:00.000Z", "assignee"],
        ["due_today", "2023-01-31", "2023-01-31T01:00:00.000Z", "assignee"],
        ["overdue_2", "2023-02-02", "2023-02-02T01:00:00.000Z", "assignee"],
        ["escalation", "2023-02-03", "2023-02-03T01:00:00.000Z", "assigner+coordinators"],
        ["overdue_4", "2023-02-06", "2023-02-06T01:00:00.000Z", "assignee"],
        ["overdue_6", "2023-02-08", "2023-02-08T01:00:00.000Z", "assignee"],
      ],
    ],
    [
      "due Friday 27/1, the first working day after Tết: 1 working day before is Thursday 19/1",
      "2023-01-27",
      [
        ["before_7", "2023-01-11", "2023-01-11T01:00:00.000Z", "assignee"],
        ["before_3", "2023-01-17", "2023-01-17T01:00:00.000Z", "assignee"],
        ["before_1", "2023-01-19", "2023-01-19T01:00:00.000Z", "assignee"],
        ["due_today", "2023-01-27", "2023-01-27T01:00:00.000Z", "assignee"],
        ["overdue_2", "2023-01-31", "2023-01-31T01:00:00.000Z", "assignee"],
        ["escalation", "2023-02-01", "2023-02-01T01:00:00.000Z", "assigner+coordinators"],
        ["overdue_4", "2023-02-02", "2023-02-02T01:00:00.000Z", "assignee"],
        ["overdue_6", "2023-02-06", "2023-02-06T01:00:00.000Z", "assignee"],
        ["overdue_8", "2023-02-08", "2023-02-08T01:00:00.000Z", "assignee"],
      ],
    ],
    [
      "due Sunday 22/1 (mùng 1 Tết): the due-date rung moves to Thursday 19/1 and takes before_1's place",
      "2023-01-22",
      [
        ["before_7", "2023-01-11", "2023-01-11T01:00:00.000Z", "assignee"],
        ["before_3", "2023-01-17", "2023-01-17T01:00:00.000Z", "assignee"],
        ["due_today", "2023-01-19", "2023-01-19T01:00:00.000Z", "assignee"],
        ["overdue_2", "2023-01-30", "2023-01-30T01:00:00.000Z", "assignee"],
        ["escalation", "2023-01-31", "2023-01-31T01:00:00.000Z", "assigner+coordinators"],
        ["overdue_4", "2023-02-01", "2023-02-01T01:00:00.000Z", "assignee"],
        ["overdue_6", "2023-02-03", "2023-02-03T01:00:00.000Z", "assignee"],
        ["overdue_8", "2023-02-07", "2023-02-07T01:00:00.000Z", "assignee"],
      ],
    ],
    [
      "due Monday 9/1: a week of ordinary working days, Monday 2/1 (nghỉ bù) skipped",
      "2023-01-09",
      [
        ["before_7", "2022-12-28", "2022-12-28T01:00:00.000Z", "assignee"],
        ["before_3", "2023-01-04", "2023-01-04T01:00:00.000Z", "assignee"],
        ["before_1", "2023-01-06", "2023-01-06T01:00:00.000Z", "assignee"],
        ["due_today", "2023-01-09", "2023-01-09T01:00:00.000Z", "assignee"],
        ["overdue_2", "2023-01-11", "2023-01-11T01:00:00.000Z", "assignee"],
        ["escalation", "2023-01-12", "2023-01-12T01:00:00.000Z", "assigner+coordinators"],
        ["overdue_4", "2023-01-13", "2023-01-13T01:00:00.000Z", "assignee"],
        ["overdue_6", "2023-01-17", "2023-01-17T01:00:00.000Z", "assignee"],
        ["overdue_8", "2023-01-19", "2023-01-19T01:00:00.000Z", "assignee"],
        ["overdue_10", "2023-01-30", "2023-01-30T01:00:00.000Z", "assignee"],
      ],
    ],
  ])("%s", (_name, due, expected) => {
    const until = due === "2023-01-09" ? "2023-01-30" : "2023-02-08";
    expect(ladderOf(due, until)).toEqual(expected);
  });

  it("never fires on a day off, and always at 08:00 in Asia/Ho_Chi_Minh", () => {
    for (let d = new Date("2022-12-01T00:00:00Z"); d < new Date("2023-03-01T00:00:00Z");) {
      const due = d.toISOString().slice(0, 10);
      for (const r of dueReminders({ status: S.IN_PROGRESS, dueDate: due }, DEFAULT_LADDER, calendar, {
        timeZone: TZ,
        until: "2023-04-30",
      })) {
        expect([due, r.kind, isWorkingDay(r.fireAtLocalDate, calendar)]).toEqual([due, r.kind, true]);
        expect(r.fireAt.toISOString()).toBe(`${r.fireAtLocalDate}T01:00:00.000Z`);
      }
      d.setUTCDate(d.getUTCDate() + 1);
    }
  });
});

describe("which work gets reminders", () => {
  it.each([
    [S.ASSIGNED, 4],
    [S.ACCEPTED, 4],
    [S.IN_PROGRESS, 4],
    [S.REWORK, 4],
    [S.REPORTED, 4],
    [S.APPROVED, 0],
    [S.CANCELLED, 0],
    [S.PAUSED, 0],
    [S.RETURNED, 0],
  ])("%s: %i rungs up to the due date", (status, n) => {
    expect(ladderOf("2023-01-31", "2023-01-31", DEFAULT_LADDER, status)).toHaveLength(n);
  });

  it("none without a due date", () => {
    expect(ladderOf(null, "2030-12-31")).toEqual([]);
  });

  it("stops at `until`: the overdue series has no end of its own", () => {
    expect(ladderOf("2023-01-31", "2023-02-02").map((r) => r[0])).toEqual([
      "before_7",
      "before_3",
      "before_1",
      "due_today",
      "overdue_2",
    ]);
    expect(ladderOf("2023-01-31", "2024-01-31").length).toBeGreaterThan(100);
  });
});

describe("a plan's own ladder", () => {
  it.each<[string, Partial<ReminderLadder>, string[][]]>([
    [
      "5 working days before only, at 14:00",
      {
        daysBefore: [5],
        onDueDate: false,
        overdueEveryWorkingDays: 0,
        escalateAfterWorkingDays: 0,
        localHour: 14,
      },
      [["before_5", "2023-01-17", "2023-01-17T07:00:00.000Z", "assignee"]],
    ],
    [
      "every working day while overdue, escalating after 1, at 07:00",
      {
        daysBefore: [],
        onDueDate: true,
        overdueEveryWorkingDays: 1,
        escalateAfterWorkingDays: 1,
        localHour: 7,
      },
      [
        ["due_today", "2023-01-31", "2023-01-31T00:00:00.000Z", "assignee"],
        ["overdue_1", "2023-02-01", "2023-02-01T00:00:00.000Z", "assignee"],
        ["escalation", "2023-02-01", "2023-02-01T00:00:00.000Z", "assigner+coordinators"],
        ["overdue_2", "2023-02-02", "2023-02-02T00:00:00.000Z", "assignee"],
      ],
    ],
    [
      "duplicate and unsorted days before count once",
      { daysBefore: [1, 3, 1], onDueDate: false, overdueEveryWorkingDays: 0, escalateAfterWorkingDays: 0 },
      [
        ["before_3", "2023-01-19", "2023-01-19T01:00:00.000Z", "assignee"],
        ["before_1", "2023-01-30", "2023-01-30T01:00:00.000Z", "assignee"],
      ],
    ],
  ])("%s", (_name, overrides, expected) => {
    expect(ladderOf("2023-01-31", "2023-02-02", { ...DEFAULT_LADDER, ...overrides })).toEqual(expected);
  });

  it.each<[Partial<ReminderLadder>, RegExp | null]>([
    [{}, null],
    [{ daysBefore: [0] }, /daysBefore values must be whole numbers from 1 to 60/],
    [{ daysBefore: [61] }, /from 1 to 60/],
    [{ daysBefore: [2.5] }, /whole numbers/],
    [{ daysBefore: [3, 3] }, /must differ/],
    [{ daysBefore: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, /at most 10 values/],
    [{ overdueEveryWorkingDays: -1 }, /overdueEveryWorkingDays/],
    [{ escalateAfterWorkingDays: 61 }, /escalateAfterWorkingDays/],
    [{ localHour: 24 }, /localHour/],
  ])("checks %j", (overrides, problem) => {
    const problems = ladderProblems({ ...DEFAULT_LADDER, ...overrides });
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join("\n")).toMatch(problem);
  });
});

describe("local time and job IDs", () => {
  it.each([
    ["2023-01-27", 8, "Asia/Ho_Chi_Minh", "2023-01-27T01:00:00.000Z"],
    ["2023-01-01", 0, "Asia/Ho_Chi_Minh", "2022-12-31T17:00:00.000Z"],
    ["2023-01-10", 8, "Europe/Paris", "2023-01-10T07:00:00.000Z"],
    ["2023-03-26", 8, "Europe/Paris", "2023-03-26T06:00:00.000Z"],
    ["2023-07-04", 8, "America/New_York", "2023-07-04T12:00:00.000Z"],
  ])("%s %i:00 in %s is %s", (date, hour, tz, iso) => {
    expect(zonedInstant(date, hour, tz).toISOString()).toBe(iso);
  });

  it.each([
    ["before_7", true],
    ["due_today", true],
    ["overdue_12", true],
    ["escalation", true],
    ["before_0", false],
    ["overdue_", false],
    ["due_today:x", false],
    ["", false],
  ])("%s is a reminder kind: %s", (kind, ok) => {
    expect(isReminderKind(kind)).toBe(ok);
  });

  it("names a job rem-<assignment>-<kind>-<due date>, without ':' (BullMQ rejects it)", () => {
    const id = sendReminderJobId({ assignmentId: 42, kind: "before_3", dueDate: "2023-01-31" });
    expect(id).toBe("rem-42-before_3-2023-01-31");
    expect(id).not.toContain(":");
  });
});

describe("the Vietnamese text", () => {
  const base = {
    taskCode: "125-3.1",
    taskTitle: "Làm đường giao thông nông thôn",
    orgName: "UBND xã Đôn Phong",
  };

  it.each([
    [
      "before_3",
      "2023-01-31",
      "2023-01-19",
      /^Sắp đến hạn \(còn 3 ngày làm việc\)/,
      /thời hạn hoàn thành ngày 31\/01\/2023/,
    ],
    [
      "due_today",
      "2023-01-31",
      "2023-01-31",
      /^Đến hạn hôm nay/,
      /hôm nay \(31\/01\/2023\) là hạn hoàn thành/,
    ],
    [
      "due_today",
      "2023-01-22",
      "2023-01-19",
      /^Đến hạn ngày 22\/01\/2023 \(ngày nghỉ\)/,
      /ngày làm việc cuối cùng trước hạn/,
    ],
    ["overdue_2", "2023-01-31", "2023-02-02", /^Quá hạn 2 ngày làm việc/, /nguyên nhân chậm trễ/],
    [
      "escalation",
      "2023-01-31",
      "2023-02-03",
      /^Quá hạn 3 ngày làm việc, cần đôn đốc/,
      /Văn phòng Điều phối nông thôn mới/,
    ],
  ] as const)("%s (due %s, sent %s)", (kind, dueDate, fireAtLocalDate, title, body) => {
    const t = renderReminder({ ...base, kind, dueDate, fireAtLocalDate }, calendar);
    expect(t.title).toMatch(title);
    expect(t.body).toMatch(body);
    expect(t.body).toContain("«Làm đường giao thông nông thôn» (mã 125-3.1)");
  });

  it("writes dates dd/mm/yyyy", () => {
    expect(vnDate("2023-01-09")).toBe("09/01/2023");
  });
});
