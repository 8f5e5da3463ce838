/**
 * The Vietnamese working calendar 2022–2027 as data: exceptions to the Monday–Friday week of
 * state bodies (cán bộ, công chức, viên chức). Public holidays under the Labour Code 2019
 * (Bộ luật Lao động 45/2019/QH14, Article 112): Tết Dương lịch (1/1), Tết Âm lịch (5 days), Giỗ Tổ
 * Hùng Vương (10/3 âm lịch), Ngày Chiến thắng (30/4), Quốc tế Lao động (1/5), Quốc khánh (2/9 plus
 * one adjacent day). A holiday on a weekend is compensated on a working day (nghỉ bù, Art. 112(3));
 * the Prime Minister's yearly notice may swap a working day with a Saturday (hoán đổi).
 *
 * Every holiday date is listed, weekend or not; compensatory weekdays are DAY_OFF, Saturdays
 * worked in exchange are WORKDAY. Rows whose date depends on a yearly notice this file could not
 * confirm say "uncertain: per the yearly notice" in `source`: correct them here, never in code.
 * `seedCalendar` inserts the dates the table does not have yet; it never updates a row.
 */
import { In, type DataSource } from "typeorm";
import { CalendarDay, CalendarDayKind } from "../calendar/calendar-day.entity";

export interface CalendarEntry {
  /** "YYYY-MM-DD". */
  date: string;
  kind: CalendarDayKind;
  /** What the day is, in Vietnamese (at most 200 characters). */
  name: string;
  /** The law or notice that sets it (at most 255 characters). */
  source: string;
}

const HOLIDAY = CalendarDayKind.HOLIDAY;
const DAY_OFF = CalendarDayKind.DAY_OFF;
const WORKDAY = CalendarDayKind.WORKDAY;

const LAW = "BLLĐ 45/2019/QH14, Điều 112 khoản 1";
const BU = "BLLĐ 45/2019/QH14, Điều 112 khoản 3 (nghỉ bù vào ngày làm việc kế tiếp)";
const UNSURE = "uncertain: per the yearly notice";
const notice = (year: number) => `${LAW}; lịch nghỉ lễ, Tết năm ${year} của Thủ tướng Chính phủ`;

export const VN_CALENDAR: readonly CalendarEntry[] = [
  // 2022 — Tết Nhâm Dần: nghỉ 29/01–06/02 (5 ngày Tết + 4 ngày cuối tuần, không làm bù).
  { date: "2022-01-01", kind: HOLIDAY, name: "Tết Dương lịch", source: LAW },
  { date: "2022-01-03", kind: DAY_OFF, name: "Nghỉ bù Tết Dương lịch (01/01 là thứ Bảy)", source: BU },
  {
    date: "2022-01-31",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Nhâm Dần (ngày cuối năm Tân Sửu)",
    source: `${LAW}; CV 245/VPCP-KGVX ngày 11/01/2022`,
  },
  {
    date: "2022-02-01",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Nhâm Dần (mùng 1)",
    source: `${LAW}; CV 245/VPCP-KGVX ngày 11/01/2022`,
  },
  {
    date: "2022-02-02",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Nhâm Dần (mùng 2)",
    source: `${LAW}; CV 245/VPCP-KGVX ngày 11/01/2022`,
  },
  {
    date: "2022-02-03",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Nhâm Dần (mùng 3)",
    source: `${LAW}; CV 245/VPCP-KGVX ngày 11/01/2022`,
  },
  {
    date: "2022-02-04",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Nhâm Dần (mùng 4)",
    source: `${LAW}; CV 245/VPCP-KGVX ngày 11/01/2022`,
  },
  { date: "2022-04-10", kind: HOLIDAY, name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", source: LAW },
  { date: "2022-04-11", kind: DAY_OFF, name: "Nghỉ bù Giỗ Tổ Hùng Vương (10/4 là Chủ nhật)", source: BU },
  { date: "2022-04-30", kind: HOLIDAY, name: "Ngày Chiến thắng", source: LAW },
  { date: "2022-05-01", kind: HOLIDAY, name: "Ngày Quốc tế Lao động", source: LAW },
  { date: "2022-05-02", kind: DAY_OFF, name: "Nghỉ bù Ngày Chiến thắng (30/4 là thứ Bảy)", source: BU },
  { date: "2022-05-03", kind: DAY_OFF, name: "Nghỉ bù Ngày Quốc tế Lao động (1/5 là Chủ nhật)", source: BU },
  { date: "2022-09-01", kind: HOLIDAY, name: "Quốc khánh (ngày liền kề)", source: notice(2022) },
  { date: "2022-09-02", kind: HOLIDAY, name: "Quốc khánh", source: LAW },

  // 2023 — Tết Quý Mão: nghỉ 20/01–26/01 (mùng 1 là Chủ nhật).
  { date: "2023-01-01", kind: HOLIDAY, name: "Tết Dương lịch", source: LAW },
  { date: "2023-01-02", kind: DAY_OFF, name: "Nghỉ bù Tết Dương lịch (01/01 là Chủ nhật)", source: BU },
  {
    date: "2023-01-20",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Quý Mão (ngày cuối năm là thứ Bảy)",
    source: notice(2023),
  },
  {
    date: "2023-01-21",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Quý Mão (ngày cuối năm Nhâm Dần)",
    source: notice(2023),
  },
  { date: "2023-01-22", kind: HOLIDAY, name: "Tết Nguyên đán Quý Mão (mùng 1)", source: notice(2023) },
  { date: "2023-01-23", kind: HOLIDAY, name: "Tết Nguyên đán Quý Mão (mùng 2)", source: notice(2023) },
  { date: "2023-01-24", kind: HOLIDAY, name: "Tết Nguyên đán Quý Mão (mùng 3)", source: notice(2023) },
  { date: "2023-01-25", kind: HOLIDAY, name: "Tết Nguyên đán Quý Mão (mùng 4)", source: notice(2023) },
  {
    date: "2023-01-26",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Quý Mão (mùng 1 là Chủ nhật)",
    source: notice(2023),
  },
  { date: "2023-04-29", kind: HOLIDAY, name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", source: LAW },
  { date: "2023-04-30", kind: HOLIDAY, name: "Ngày Chiến thắng", source: LAW },
  { date: "2023-05-01", kind: HOLIDAY, name: "Ngày Quốc tế Lao động", source: LAW },
  { date: "2023-05-02", kind: DAY_OFF, name: "Nghỉ bù Giỗ Tổ Hùng Vương (29/4 là thứ Bảy)", source: BU },
  { date: "2023-05-03", kind: DAY_OFF, name: "Nghỉ bù Ngày Chiến thắng (30/4 là Chủ nhật)", source: BU },
  { date: "2023-09-01", kind: HOLIDAY, name: "Quốc khánh (ngày liền kề)", source: notice(2023) },
  { date: "2023-09-02", kind: HOLIDAY, name: "Quốc khánh", source: LAW },
  { date: "2023-09-04", kind: DAY_OFF, name: "Nghỉ bù Quốc khánh (02/9 là thứ Bảy)", source: BU },

  // 2024 — Tết Giáp Thìn: nghỉ 08/02–14/02 (mùng 1 là thứ Bảy).
  { date: "2024-01-01", kind: HOLIDAY, name: "Tết Dương lịch", source: LAW },
  {
    date: "2024-02-08",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Giáp Thìn (mùng 1 là thứ Bảy)",
    source: notice(2024),
  },
  {
    date: "2024-02-09",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Giáp Thìn (ngày cuối năm Quý Mão)",
    source: notice(2024),
  },
  { date: "2024-02-10", kind: HOLIDAY, name: "Tết Nguyên đán Giáp Thìn (mùng 1)", source: notice(2024) },
  { date: "2024-02-11", kind: HOLIDAY, name: "Tết Nguyên đán Giáp Thìn (mùng 2)", source: notice(2024) },
  { date: "2024-02-12", kind: HOLIDAY, name: "Tết Nguyên đán Giáp Thìn (mùng 3)", source: notice(2024) },
  { date: "2024-02-13", kind: HOLIDAY, name: "Tết Nguyên đán Giáp Thìn (mùng 4)", source: notice(2024) },
  {
    date: "2024-02-14",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Giáp Thìn (mùng 2 là Chủ nhật)",
    source: notice(2024),
  },
  { date: "2024-04-18", kind: HOLIDAY, name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", source: LAW },
  {
    date: "2024-04-29",
    kind: DAY_OFF,
    name: "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 04/5)",
    source: "CV 2450/VPCP-KGVX năm 2024 (hoán đổi ngày làm việc)",
  },
  { date: "2024-04-30", kind: HOLIDAY, name: "Ngày Chiến thắng", source: LAW },
  { date: "2024-05-01", kind: HOLIDAY, name: "Ngày Quốc tế Lao động", source: LAW },
  {
    date: "2024-05-04",
    kind: WORKDAY,
    name: "Làm bù cho thứ Hai 29/4",
    source: "CV 2450/VPCP-KGVX năm 2024 (hoán đổi ngày làm việc)",
  },
  { date: "2024-09-02", kind: HOLIDAY, name: "Quốc khánh", source: LAW },
  { date: "2024-09-03", kind: HOLIDAY, name: "Quốc khánh (ngày liền kề)", source: notice(2024) },

  // 2025 — Tết Ất Tỵ: nghỉ 25/01–02/02 (5 ngày Tết + 4 ngày cuối tuần, không làm bù).
  { date: "2025-01-01", kind: HOLIDAY, name: "Tết Dương lịch", source: LAW },
  {
    date: "2025-01-27",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Ất Tỵ (mùng 4 là thứ Bảy)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  {
    date: "2025-01-28",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Ất Tỵ (ngày cuối năm Giáp Thìn)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  {
    date: "2025-01-29",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Ất Tỵ (mùng 1)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  {
    date: "2025-01-30",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Ất Tỵ (mùng 2)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  {
    date: "2025-01-31",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Ất Tỵ (mùng 3)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  {
    date: "2025-02-01",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Ất Tỵ (mùng 4)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  { date: "2025-04-07", kind: HOLIDAY, name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", source: LAW },
  {
    date: "2025-04-26",
    kind: WORKDAY,
    name: "Làm bù cho thứ Sáu 02/5",
    source: "CV 8726/VPCP-KGVX ngày 26/11/2024 (hoán đổi ngày làm việc)",
  },
  { date: "2025-04-30", kind: HOLIDAY, name: "Ngày Chiến thắng", source: LAW },
  { date: "2025-05-01", kind: HOLIDAY, name: "Ngày Quốc tế Lao động", source: LAW },
  {
    date: "2025-05-02",
    kind: DAY_OFF,
    name: "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4)",
    source: "CV 8726/VPCP-KGVX ngày 26/11/2024 (hoán đổi ngày làm việc)",
  },
  {
    date: "2025-09-01",
    kind: HOLIDAY,
    name: "Quốc khánh (ngày liền kề)",
    source: `${LAW}; CV 8726/VPCP-KGVX ngày 26/11/2024`,
  },
  { date: "2025-09-02", kind: HOLIDAY, name: "Quốc khánh", source: LAW },

  // 2026 — Tết Bính Ngọ: nghỉ 14/02–22/02 (5 ngày Tết + 4 ngày cuối tuần).
  { date: "2026-01-01", kind: HOLIDAY, name: "Tết Dương lịch", source: LAW },
  {
    date: "2026-01-02",
    kind: DAY_OFF,
    name: "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01)",
    source: "CV 12729/VPCP-KGVX ngày 25/12/2025 (hoán đổi ngày làm việc)",
  },
  {
    date: "2026-01-10",
    kind: WORKDAY,
    name: "Làm bù cho thứ Sáu 02/01",
    source: "CV 12729/VPCP-KGVX ngày 25/12/2025 (hoán đổi ngày làm việc)",
  },
  {
    date: "2026-02-16",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Bính Ngọ (ngày cuối năm Ất Tỵ)",
    source: notice(2026),
  },
  { date: "2026-02-17", kind: HOLIDAY, name: "Tết Nguyên đán Bính Ngọ (mùng 1)", source: notice(2026) },
  { date: "2026-02-18", kind: HOLIDAY, name: "Tết Nguyên đán Bính Ngọ (mùng 2)", source: notice(2026) },
  { date: "2026-02-19", kind: HOLIDAY, name: "Tết Nguyên đán Bính Ngọ (mùng 3)", source: notice(2026) },
  { date: "2026-02-20", kind: HOLIDAY, name: "Tết Nguyên đán Bính Ngọ (mùng 4)", source: notice(2026) },
  { date: "2026-04-26", kind: HOLIDAY, name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", source: LAW },
  { date: "2026-04-27", kind: DAY_OFF, name: "Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)", source: BU },
  { date: "2026-04-30", kind: HOLIDAY, name: "Ngày Chiến thắng", source: LAW },
  { date: "2026-05-01", kind: HOLIDAY, name: "Ngày Quốc tế Lao động", source: LAW },
  {
    date: "2026-09-01",
    kind: HOLIDAY,
    name: "Quốc khánh (ngày liền kề)",
    source: `${LAW} (02/9 và 1 ngày liền kề trước hoặc sau); ${UNSURE}`,
  },
  { date: "2026-09-02", kind: HOLIDAY, name: "Quốc khánh", source: LAW },

  // 2027 — Tết Đinh Mùi: mùng 1 là thứ Bảy 06/02; the break is not announced yet.
  { date: "2027-01-01", kind: HOLIDAY, name: "Tết Dương lịch", source: LAW },
  {
    date: "2027-02-04",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 1 là thứ Bảy)",
    source: `${BU}; ${UNSURE}`,
  },
  {
    date: "2027-02-05",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Đinh Mùi (ngày cuối năm Bính Ngọ)",
    source: LAW,
  },
  { date: "2027-02-06", kind: HOLIDAY, name: "Tết Nguyên đán Đinh Mùi (mùng 1)", source: LAW },
  { date: "2027-02-07", kind: HOLIDAY, name: "Tết Nguyên đán Đinh Mùi (mùng 2)", source: LAW },
  { date: "2027-02-08", kind: HOLIDAY, name: "Tết Nguyên đán Đinh Mùi (mùng 3)", source: LAW },
  {
    date: "2027-02-09",
    kind: HOLIDAY,
    name: "Tết Nguyên đán Đinh Mùi (mùng 4)",
    source: `${LAW}; ${UNSURE}`,
  },
  {
    date: "2027-02-10",
    kind: DAY_OFF,
    name: "Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 là Chủ nhật)",
    source: `${BU}; ${UNSURE}`,
  },
  { date: "2027-04-16", kind: HOLIDAY, name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", source: LAW },
  { date: "2027-04-30", kind: HOLIDAY, name: "Ngày Chiến thắng", source: LAW },
  { date: "2027-05-01", kind: HOLIDAY, name: "Ngày Quốc tế Lao động", source: LAW },
  {
    date: "2027-05-03",
    kind: DAY_OFF,
    name: "Nghỉ bù Ngày Quốc tế Lao động (1/5 là thứ Bảy)",
    source: BU,
  },
  { date: "2027-09-02", kind: HOLIDAY, name: "Quốc khánh", source: LAW },
  {
    date: "2027-09-03",
    kind: HOLIDAY,
    name: "Quốc khánh (ngày liền kề)",
    source: `${LAW} (02/9 và 1 ngày liền kề trước hoặc sau); ${UNSURE}`,
  },
];

/**
 * Inserts the days of VN_CALENDAR the table does not hold yet and returns how many it inserted
 * (0 on a second run). Existing rows, corrected by hand or not, are left as they are.
 */
export async function seedCalendar(ds: DataSource): Promise<number> {
  const repo = ds.getRepository(CalendarDay);
  const existing = await repo.find({
    select: { date: true },
    where: { date: In(VN_CALENDAR.map((d) => d.date)) },
  });
  const have = new Set(existing.map((r) => r.date));
  const missing = VN_CALENDAR.filter((d) => !have.has(d.date));
  if (missing.length === 0) return 0;
  // INSERT IGNORE: another process seeding at the same moment is not an error.
  const res = await repo
    .createQueryBuilder()
    .insert()
    .into(CalendarDay)
    .values(missing.map((d) => ({ ...d })))
    .orIgnore()
    .execute();
  const raw = res.raw as { affectedRows?: number } | undefined;
  return raw?.affectedRows ?? missing.length;
}
