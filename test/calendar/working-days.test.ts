import { CalendarDay, CalendarDayKind } from "../../src/calendar/calendar-day.entity";
import {
  addDays,
  addWorkingDays,
  type CalendarExceptions,
  isWorkingDay,
  workingDaysBetween,
} from "../../src/calendar/working-days";
import { seedCalendar, VN_CALENDAR } from "../../src/seed/calendar-vn";
import { createTestDb, type TestDb } from "../helpers/db";

const calendar: CalendarExceptions = new Map(VN_CALENDAR.map((d) => [d.date, d.kind]));
const dow = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 Sunday .. 6 Saturday
/** The working days of [from, to], in order. */
const workingDaysIn = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isWorkingDay(d, calendar)) out.push(d);
  return out;
};

/** Mùng 1 Tết (the first day of the lunar year) of each year. */
const LUNAR_NEW_YEAR: Record<number, string> = {
  2022: "2022-02-01",
  2023: "2023-01-22",
  2024: "2024-02-10",
  2025: "2025-01-29",
  2026: "2026-02-17",
  2027: "2027-02-06",
};

describe("the Vietnamese working calendar (pure)", () => {
  it("closes the Tết 2023 week: Friday 20/1 to Thursday 26/1", () => {
    expect(workingDaysIn("2023-01-16", "2023-01-31")).toEqual([
      "2023-01-16",
      "2023-01-17",
      "2023-01-18",
      "2023-01-19",
      "2023-01-27",
      "2023-01-30",
      "2023-01-31",
    ]);
    expect(workingDaysBetween("2023-01-19", "2023-01-27", calendar)).toBe(1);
    expect(addWorkingDays("2023-01-19", 1, calendar)).toBe("2023-01-27");
  });

  it("closes Thursday 8/2 to Wednesday 14/2 for Tết 2024", () => {
    expect(workingDaysIn("2024-02-05", "2024-02-16")).toEqual([
      "2024-02-05",
      "2024-02-06",
      "2024-02-07",
      "2024-02-15",
      "2024-02-16",
    ]);
    expect(workingDaysBetween("2024-02-07", "2024-02-14", calendar)).toBe(0);
    expect(addWorkingDays("2024-02-07", 3, calendar)).toBe("2024-02-19");
  });

  it("gives Monday 11/4/2022 off for the Hùng Kings' day on a Sunday", () => {
    expect(calendar.get("2022-04-10")).toBe(CalendarDayKind.HOLIDAY);
    expect(dow("2022-04-10")).toBe(0);
    expect(isWorkingDay("2022-04-11", calendar)).toBe(false);
    expect(isWorkingDay("2022-04-12", calendar)).toBe(true);
    expect(workingDaysBetween("2022-04-08", "2022-04-12", calendar)).toBe(1);
  });

  it("counts a Saturday worked in exchange, and not the weekday given for it", () => {
    // 2024: Monday 29/4 off, worked on Saturday 4/5.
    expect(isWorkingDay("2024-05-04", calendar)).toBe(true);
    expect(isWorkingDay("2024-04-29", calendar)).toBe(false);
    expect(workingDaysIn("2024-04-26", "2024-05-06")).toEqual([
      "2024-04-26",
      "2024-05-02",
      "2024-05-03",
      "2024-05-04",
      "2024-05-06",
    ]);
    // 2026: Friday 2/1 off, worked on Saturday 10/1.
    expect(isWorkingDay("2026-01-10", calendar)).toBe(true);
    expect(addWorkingDays("2025-12-31", 1, calendar)).toBe("2026-01-05");
  });

  it("counts working days across Tết 2025 (Saturday 25/1 to Sunday 2/2)", () => {
    expect(workingDaysBetween("2025-01-24", "2025-02-05", calendar)).toBe(3);
    expect(addWorkingDays("2025-01-24", 1, calendar)).toBe("2025-02-03");
    expect(addWorkingDays("2025-01-24", 4, calendar)).toBe("2025-02-06");
    // Without the calendar, the same span is 8 working days.
    expect(workingDaysBetween("2025-01-24", "2025-02-05", new Map())).toBe(8);
  });

  it("has, for every year 2022–2027, Tết, 1/1, 30/4, 1/5 and 2/9 with its adjacent day", () => {
    for (const year of [2022, 2023, 2024, 2025, 2026, 2027]) {
      const holidays = VN_CALENDAR.filter(
        (d) => d.kind === CalendarDayKind.HOLIDAY && d.date.startsWith(`${year}-`),
      );
      const dates = holidays.map((d) => d.date);
      expect([year, dates]).toEqual([
        year,
        expect.arrayContaining([
          `${year}-01-01`,
          LUNAR_NEW_YEAR[year],
          `${year}-04-30`,
          `${year}-05-01`,
          `${year}-09-02`,
        ]),
      ]);
      // Tết: five days, from the last day of the old year.
      const tet = holidays.filter((d) => d.name.startsWith("Tết Nguyên đán"));
      expect([year, tet.length]).toEqual([year, 5]);
      expect(tet[0].date).toBe(addDays(LUNAR_NEW_YEAR[year], -1));
      // Quốc khánh: 2/9 and 1/9 or 3/9.
      expect([year, holidays.filter((d) => d.name.startsWith("Quốc khánh")).map((d) => d.date)]).toEqual([
        year,
        expect.arrayContaining([expect.stringMatching(new RegExp(`^${year}-09-0[13]$`))]),
      ]);
      // Giỗ Tổ Hùng Vương: one day.
      expect(holidays.filter((d) => d.name.startsWith("Giỗ Tổ")).length).toBe(1);
      // 11 statutory days off under Article 112.
      expect([year, holidays.length]).toEqual([year, 11]);
    }
  });

  it("is consistent data: one row a date, days off on weekdays, worked days on weekends, sources given", () => {
    const dates = VN_CALENDAR.map((d) => d.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    for (const d of VN_CALENDAR) {
      expect(d.date).toMatch(/^20(2[2-7])-\d\d-\d\d$/);
      expect(addDays(d.date, 0)).toBe(d.date); // a real date
      if (d.kind === CalendarDayKind.DAY_OFF) expect([d.date, dow(d.date) % 6 !== 0]).toEqual([d.date, true]);
      if (d.kind === CalendarDayKind.WORKDAY) expect([d.date, dow(d.date) % 6 === 0]).toEqual([d.date, true]);
      expect(d.name.length).toBeGreaterThan(0);
      expect(d.name.length).toBeLessThanOrEqual(200);
      expect(d.source.length).toBeGreaterThan(0);
      expect(d.source.length).toBeLessThanOrEqual(255);
    }
    // Every swap pairs a day off with a worked Saturday in the same notice.
    const worked = VN_CALENDAR.filter((d) => d.kind === CalendarDayKind.WORKDAY);
    expect(worked.map((d) => d.date)).toEqual(["2024-05-04", "2025-04-26", "2026-01-10"]);
  });
});

describe("seedCalendar", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("inserts every day once; a second run inserts nothing", async () => {
    expect(await seedCalendar(db.ds)).toBe(VN_CALENDAR.length);
    expect(await seedCalendar(db.ds)).toBe(0);
    expect(await db.ds.getRepository(CalendarDay).count()).toBe(VN_CALENDAR.length);
  });

  it("stores Tết and 2/9 of every year 2022–2027", async () => {
    const rows = await db.ds.getRepository(CalendarDay).find({ order: { date: "ASC" } });
    const byDate = new Map(rows.map((r) => [r.date, r]));
    for (const year of Object.keys(LUNAR_NEW_YEAR).map(Number)) {
      expect(byDate.get(LUNAR_NEW_YEAR[year])).toMatchObject({
        kind: CalendarDayKind.HOLIDAY,
        name: expect.stringContaining("mùng 1"),
      });
      expect(byDate.get(`${year}-09-02`)).toMatchObject({
        kind: CalendarDayKind.HOLIDAY,
        name: "Quốc khánh",
      });
    }
  });

  it("leaves a corrected row alone and only fills in missing days", async () => {
    const repo = db.ds.getRepository(CalendarDay);
    await repo.update({ date: "2027-09-03" }, { date: "2027-09-01", source: "corrected by hand" });
    await repo.delete({ date: "2027-02-10" });
    // 2027-09-03 and 2027-02-10 are missing again; 2027-09-01 (not in the data) stays.
    expect(await seedCalendar(db.ds)).toBe(2);
    expect(await repo.findOneBy({ date: "2027-09-01" })).toMatchObject({ source: "corrected by hand" });
    expect(await repo.count()).toBe(VN_CALENDAR.length + 1);
  });
});
