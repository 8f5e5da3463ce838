/** The pure rules of reminder preferences: valid settings, quiet hours (also across midnight), the digest's instant. */
import { EmailMode } from "../../src/reminders/preferences/notification-preferences.entity";
import {
  DEFAULT_PREFERENCES,
  digestInstant,
  emailAllowedAt,
  inQuietHours,
  type Preferences,
  preferencesFromRow,
  preferencesProblems,
} from "../../src/reminders/preferences/preferences";
import { emailRoute } from "../../src/reminders/preferences/route-email";
import { renderDigestEmail } from "../../src/reminders/preferences/render-digest";

const TZ = "Asia/Ho_Chi_Minh";
const local = (date: string, hour: number, minute = 0) =>
  new Date(`${date}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00+07:00`);
const quiet = (start: number, end: number): Preferences => ({
  ...DEFAULT_PREFERENCES,
  quietHours: { start, end },
});

describe("reminder preferences (pure)", () => {
  it("defaults to today's behaviour for a user without a row", () => {
    expect(preferencesFromRow(null)).toEqual({
      emailEnabled: true,
      emailMode: EmailMode.IMMEDIATE,
      digestLocalHour: 7,
      quietHours: null,
    });
    expect(emailAllowedAt(local("2023-01-31", 3), DEFAULT_PREFERENCES, TZ)).toEqual(local("2023-01-31", 3));
  });

  it.each([
    [22, 6, 21, false],
    [22, 6, 22, true],
    [22, 6, 0, true],
    [22, 6, 5, true],
    [22, 6, 6, false],
    [12, 14, 11, false],
    [12, 14, 12, true],
    [12, 14, 13, true],
    [12, 14, 14, false],
  ])("quiet %i–%i: hour %i is quiet = %s", (start, end, hour, expected) => {
    expect(inQuietHours(hour, { start, end })).toBe(expected);
  });

  it("moves an e-mail in quiet hours to their end, across midnight when they wrap", () => {
    const q = quiet(22, 6);
    expect(emailAllowedAt(local("2023-01-31", 23, 30), q, TZ)).toEqual(local("2023-02-01", 6));
    expect(emailAllowedAt(local("2023-02-01", 2, 15), q, TZ)).toEqual(local("2023-02-01", 6));
    expect(emailAllowedAt(local("2023-02-01", 6), q, TZ)).toEqual(local("2023-02-01", 6));
    expect(emailAllowedAt(local("2023-02-01", 21, 59), q, TZ)).toEqual(local("2023-02-01", 21, 59));
    expect(emailAllowedAt(local("2023-02-01", 12, 40), quiet(12, 14), TZ)).toEqual(local("2023-02-01", 14));
  });

  it("routes by channel and mode: e-mail off never, a digest user's deadline rungs never, others on time", () => {
    const t = local("2023-01-31", 8);
    expect(emailRoute("due_today", { ...DEFAULT_PREFERENCES, emailEnabled: false }, t, TZ)).toBeNull();
    const digest = { ...DEFAULT_PREFERENCES, emailMode: EmailMode.DIGEST };
    for (const kind of ["before_3", "due_today", "overdue_2", "escalation"])
      expect(emailRoute(kind, digest, t, TZ)).toBeNull();
    // Not in the digest: still e-mailed on their own.
    expect(emailRoute("ext_pending_4", digest, t, TZ)).toEqual(t);
    expect(emailRoute("report_due_before_3", digest, t, TZ)).toEqual(t);
    expect(emailRoute("due_today", quiet(7, 9), t, TZ)).toEqual(local("2023-01-31", 9));
  });

  it("puts the digest at its local hour", () => {
    expect(
      digestInstant("2023-01-31", { ...DEFAULT_PREFERENCES, digestLocalHour: 7 }, TZ).toISOString(),
    ).toBe("2023-01-31T00:00:00.000Z");
  });

  it("accepts whole hours 0–23 and refuses the rest with the field at fault", () => {
    const ok = { emailEnabled: true, emailMode: EmailMode.DIGEST, digestLocalHour: 7 };
    expect(preferencesProblems(ok)).toEqual([]);
    expect(preferencesProblems({ ...ok, quietHoursStart: 22, quietHoursEnd: 6 })).toEqual([]);
    expect(preferencesProblems({ ...ok, digestLocalHour: 7.5 }).map((e) => e.field)).toEqual([
      ["input", "digestLocalHour"],
    ]);
    expect(preferencesProblems({ ...ok, quietHoursStart: 5, quietHoursEnd: 8 }).map((e) => e.field)).toEqual([
      ["input", "digestLocalHour"],
    ]);
    // On immediate mode the digest hour may lie in the quiet hours (no digest is sent).
    expect(
      preferencesProblems({ ...ok, emailMode: EmailMode.IMMEDIATE, quietHoursStart: 5, quietHoursEnd: 8 }),
    ).toEqual([]);
  });

  it("renders an empty section as such, escapes the HTML and counts what it does not list", () => {
    const item = (n: number) => ({
      assignmentId: n,
      taskCode: `T${n}`,
      taskTitle: `Việc <${n}>`,
      orgName: "UBND xã A & B",
      dueDate: "2023-01-27",
      workingDays: 2,
    });
    const e = renderDigestEmail("2023-01-31", {
      dueSoon: [],
      dueToday: [],
      overdue: Array.from({ length: 52 }, (_, i) => item(i + 1)),
    });
    expect(e.subject).toBe(
      "Tổng hợp nhắc việc ngày 31/01/2023: 0 đến hạn hôm nay, 52 quá hạn, 0 sắp đến hạn",
    );
    expect(e.text).toContain("Sắp đến hạn (0)\n- Không có.");
    expect(e.text).toContain("- «Việc <1>» (mã T1), UBND xã A & B: hạn 27/01/2023, quá hạn 2 ngày làm việc");
    expect(e.text).toContain("… và 2 nhiệm vụ khác.");
    expect(e.html).toContain("<li>«Việc &lt;1&gt;» (mã T1), UBND xã A &amp; B:");
    expect(e.html).not.toContain("Việc <1>");
  });
});
