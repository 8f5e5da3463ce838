import type ExcelJS from "exceljs";
import { loadExcelJS } from "../shared/excel";
import type {
  ProgressCommuneRow,
  ProgressDistrict,
  ProgressReport,
  ProgressTargetRow,
  ProgressUnitRow,
} from "./progress-report.types";

/**
 * The plan's progress as an Excel workbook, in Vietnamese, ready to attach to a report:
 *
 * - "Tổng hợp": every plan target (baseline, target, actual, percent achieved), then the figures
 *   of the province and of each district;
 * - "Chỉ tiêu theo huyện": each target split by district, where the target splits;
 * - one sheet per district: its communes, the 19 criteria as columns (✓ met, ✗ not met, – not
 *   assessed), criteria met, level reached, and a row counting the communes meeting each criterion.
 *
 * Pure: the same report gives the same cells. Numbers stay numbers (with number formats), so the
 * workbook can be summed and charted.
 */

export const SUMMARY_SHEET = "Tổng hợp";
export const BY_DISTRICT_SHEET = "Chỉ tiêu theo huyện";
export const MET = "✓";
export const NOT_MET = "✗";
export const NOT_ASSESSED = "–";

const TITLE_ROWS = 3;
/** Row of the first table's header on every sheet (after the title rows and a blank row). */
export const HEADER_ROW = TITLE_ROWS + 2;

const TYPE_WORD: Record<string, string> = {
  tinh: "Tỉnh",
  thanh_pho_tw: "Thành phố",
  thanh_pho: "Thành phố",
  thi_xa: "Thị xã",
  huyen: "Huyện",
  xa: "Xã",
  phuong: "Phường",
  thi_tran: "Thị trấn",
  thon: "Thôn",
  ban: "Bản",
  to_dan_pho: "Tổ dân phố",
};

export const LEVEL_LABEL: Record<string, string> = {
  ntm: "Đạt chuẩn NTM",
  advanced_ntm: "NTM nâng cao",
  model_ntm: "NTM kiểu mẫu",
};
export const NO_LEVEL = "Chưa đạt chuẩn";

/** "Huyện Ba Bể", "Thành phố Bắc Kạn". */
export function unitLabel(u: { type: string; name: string }): string {
  const word = TYPE_WORD[u.type];
  return word ? `${word} ${u.name}` : u.name;
}

/** "2022-06-15" → "15/06/2022". */
export function vnDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

export const TARGET_HEADERS = [
  "STT",
  "Mã chỉ tiêu",
  "Chỉ tiêu",
  "Đơn vị tính",
  "Cơ sở (đầu kỳ)",
  "Kế hoạch",
  "Thực hiện",
  "Tỷ lệ đạt (%)",
] as const;

export const UNIT_HEADERS = [
  "STT",
  "Đơn vị",
  "Số xã (tính bình quân)",
  "Xã đạt chuẩn NTM",
  "Xã đạt NTM nâng cao",
  "Bình quân tiêu chí/xã",
  "Xã tăng ≥ 1 tiêu chí",
  "Thôn đạt chuẩn NTM",
  "Tiêu chí huyện đạt (/9)",
  "Nhiệm vụ được giao",
  "Đã hoàn thành",
  "Quá hạn",
  "Tỷ lệ hoàn thành (%)",
  "Tỷ lệ đúng hạn (%)",
] as const;

export const BY_DISTRICT_HEADERS = [
  "STT",
  "Mã chỉ tiêu",
  "Chỉ tiêu",
  "Huyện, thành phố",
  "Kế hoạch",
  "Thực hiện",
] as const;

/** The fixed columns of a district sheet before and after the criteria. */
export const COMMUNE_HEAD = ["STT", "Mã ĐVHC", "Xã, phường, thị trấn", "Loại"] as const;
export const COMMUNE_TAIL = [
  "Số tiêu chí đạt",
  "Số tiêu chí đầu năm",
  "Tăng",
  "Mức đạt chuẩn",
  "Thôn đạt chuẩn NTM",
  "Tỷ lệ hoàn thành nhiệm vụ (%)",
] as const;
export const COMMUNE_TOTAL_LABEL = "Số xã đạt từng tiêu chí";

const FMT_INT = "#,##0";
const FMT_DEC = "#,##0.##";
const FMT_PCT = "0.0";
const FMT_AVG = "0.00";

const THIN: Partial<ExcelJS.Border> = { style: "thin", color: { argb: "FF808080" } };
const BOX: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
const TOTAL_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF2F2F2" } };
const FONT = "Times New Roman";

/** Excel's rules for sheet names: ≤ 31 characters, none of []:*?/\, unique (case-insensitive). */
export function sheetNames(districts: readonly ProgressDistrict[]): string[] {
  const taken = new Set([SUMMARY_SHEET.toLowerCase(), BY_DISTRICT_SHEET.toLowerCase()]);
  return districts.map((d) => {
    const base =
      d.district.name
        .replace(/[[\]:*?/\\]/g, " ")
        .trim()
        .slice(0, 31) || "Huyện";
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - 4)} (${n})`;
    taken.add(name.toLowerCase());
    return name;
  });
}

function titleRows(ws: ExcelJS.Worksheet, width: number, lines: [string, string, string]): void {
  lines.forEach((text, i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = text;
    ws.mergeCells(i + 1, 1, i + 1, width);
    row.getCell(1).font = { name: FONT, bold: i === 0, italic: i === 2, size: i === 0 ? 14 : 12 };
    row.getCell(1).alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    row.height = i === 1 ? 32 : 20;
  });
}

function headerRow(ws: ExcelJS.Worksheet, rowNo: number, headers: readonly string[], rotateFrom = 0): void {
  const row = ws.getRow(rowNo);
  headers.forEach((h, i) => {
    const cell = row.getCell(i + 1);
    cell.value = h;
    cell.font = { name: FONT, bold: true, size: 11 };
    cell.fill = HEADER_FILL;
    cell.border = BOX;
    cell.alignment = {
      horizontal: "center",
      vertical: "middle",
      wrapText: true,
      ...(rotateFrom > 0 && i + 1 >= rotateFrom ? { textRotation: 90 } : {}),
    };
  });
}

type CellValue = string | number | null;

function dataRow(
  ws: ExcelJS.Worksheet,
  rowNo: number,
  values: readonly CellValue[],
  formats: readonly (string | null)[],
  opts: { total?: boolean; centerFrom?: number } = {},
): void {
  const row = ws.getRow(rowNo);
  values.forEach((v, i) => {
    const cell = row.getCell(i + 1);
    cell.value = v;
    cell.border = BOX;
    cell.font = { name: FONT, size: 11, bold: opts.total ?? false };
    if (opts.total) cell.fill = TOTAL_FILL;
    const fmt = formats[i];
    if (fmt && typeof v === "number") cell.numFmt = fmt;
    const center = opts.centerFrom !== undefined && i + 1 >= opts.centerFrom;
    cell.alignment = {
      vertical: "middle",
      wrapText: typeof v === "string",
      ...(typeof v === "number" ? { horizontal: "right" } : center ? { horizontal: "center" } : {}),
    };
  });
}

function setWidths(ws: ExcelJS.Worksheet, widths: readonly number[]): void {
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
}

function pageSetup(ws: ExcelJS.Worksheet, headerRowNo: number): void {
  ws.views = [{ state: "frozen", xSplit: 0, ySplit: headerRowNo, activeCell: `A${headerRowNo + 1}` }];
  ws.pageSetup = {
    orientation: "landscape",
    paperSize: 9, // A4
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: `${headerRowNo}:${headerRowNo}`,
    margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
}

function planLines(report: ProgressReport, title: string): [string, string, string] {
  return [
    title,
    `Kế hoạch số ${report.plan.code}: ${report.plan.title}`,
    `Số liệu tính đến ngày ${vnDate(report.asOf)}`,
  ];
}

export function targetValues(t: ProgressTargetRow, index: number): CellValue[] {
  return [index + 1, t.code, t.title, t.measureUnit, t.baseline, t.target, t.actual, t.percentAchieved];
}
const TARGET_FORMATS = [FMT_INT, null, null, null, FMT_DEC, FMT_DEC, FMT_DEC, FMT_PCT];

export function unitValues(u: ProgressUnitRow, index: number): CellValue[] {
  return [
    index + 1,
    unitLabel(u),
    u.xaCount,
    u.communesNtm,
    u.communesAdvancedNtm,
    u.avgCriteriaPerXa,
    u.communesGainedCriterion,
    u.villagesNtm,
    u.districtCriteriaMet,
    u.assignmentsTotal,
    u.assignmentsDone,
    u.assignmentsOverdue,
    u.percentDone,
    u.onTimeRate,
  ];
}
const UNIT_FORMATS = [
  FMT_INT,
  null,
  FMT_INT,
  FMT_INT,
  FMT_INT,
  FMT_AVG,
  FMT_INT,
  FMT_INT,
  FMT_INT,
  FMT_INT,
  FMT_INT,
  FMT_INT,
  FMT_PCT,
  FMT_PCT,
];

/** Row of the unit table's header on the summary sheet: after the targets and one blank row. */
export function unitHeaderRow(report: ProgressReport): number {
  return HEADER_ROW + report.targets.length + 2;
}

function summarySheet(wb: ExcelJS.Workbook, report: ProgressReport): void {
  const ws = wb.addWorksheet(SUMMARY_SHEET);
  const width = UNIT_HEADERS.length;
  titleRows(
    ws,
    width,
    planLines(report, `KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU XÂY DỰNG NÔNG THÔN MỚI NĂM ${report.plan.year}`),
  );
  headerRow(ws, HEADER_ROW, TARGET_HEADERS);
  report.targets.forEach((t, i) => dataRow(ws, HEADER_ROW + 1 + i, targetValues(t, i), TARGET_FORMATS));

  const unitsAt = unitHeaderRow(report);
  headerRow(ws, unitsAt, UNIT_HEADERS);
  dataRow(ws, unitsAt + 1, unitValues(report.province, -1), UNIT_FORMATS, { total: true });
  ws.getRow(unitsAt + 1).getCell(1).value = null; // the province row is the total, not numbered
  report.districts.forEach((d, i) => dataRow(ws, unitsAt + 2 + i, unitValues(d.district, i), UNIT_FORMATS));
  setWidths(ws, [6, 22, 46, 12, 12, 12, 12, 12, 12, 12, 12, 10, 12, 12]);
  pageSetup(ws, HEADER_ROW);
}

function byDistrictSheet(wb: ExcelJS.Workbook, report: ProgressReport): void {
  const ws = wb.addWorksheet(BY_DISTRICT_SHEET);
  titleRows(ws, BY_DISTRICT_HEADERS.length, planLines(report, "CHỈ TIÊU THEO HUYỆN, THÀNH PHỐ"));
  headerRow(ws, HEADER_ROW, BY_DISTRICT_HEADERS);
  let r = HEADER_ROW + 1;
  let n = 0;
  for (const t of report.targets) {
    for (const d of t.byDistrict) {
      dataRow(
        ws,
        r++,
        [++n, t.code, t.title, d.name, d.target, d.actual],
        [FMT_INT, null, null, null, FMT_DEC, FMT_DEC],
      );
    }
  }
  setWidths(ws, [6, 22, 46, 22, 12, 12]);
  pageSetup(ws, HEADER_ROW);
}

export function communeValues(c: ProgressCommuneRow, index: number): CellValue[] {
  return [
    index + 1,
    c.code,
    c.name,
    TYPE_WORD[c.type] ?? c.type,
    ...c.criteria.map((k) => (k.met === null ? NOT_ASSESSED : k.met ? MET : NOT_MET)),
    c.criteriaMet,
    c.criteriaMetBaseline,
    c.criteriaMet - c.criteriaMetBaseline,
    c.level === null ? NO_LEVEL : (LEVEL_LABEL[c.level] ?? c.level),
    c.villagesNtm,
    c.percentDone,
  ];
}

/** The criteria of a district's communes, in criterion order (the first commune's list). */
function criteriaOf(d: ProgressDistrict): { no: number; name: string }[] {
  return (d.communes[0]?.criteria ?? []).map(({ no, name }) => ({ no, name }));
}

function districtSheet(
  wb: ExcelJS.Workbook,
  report: ProgressReport,
  d: ProgressDistrict,
  name: string,
): void {
  const ws = wb.addWorksheet(name);
  const criteria = criteriaOf(d);
  const headers = [...COMMUNE_HEAD, ...criteria.map((k) => `${k.no}. ${k.name}`), ...COMMUNE_TAIL];
  const u = d.district;
  titleRows(
    ws,
    headers.length,
    planLines(report, `KẾT QUẢ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI – ${unitLabel(u).toUpperCase()}`),
  );
  const summary =
    `Xã đạt chuẩn NTM: ${u.communesNtm}; NTM nâng cao: ${u.communesAdvancedNtm}; ` +
    `bình quân ${u.avgCriteriaPerXa === null ? "–" : u.avgCriteriaPerXa.toFixed(2).replace(".", ",")} tiêu chí/xã; ` +
    `thôn đạt chuẩn NTM: ${u.villagesNtm}` +
    (u.districtCriteriaMet === null ? "" : `; tiêu chí huyện đạt: ${u.districtCriteriaMet}/9`);
  ws.getRow(TITLE_ROWS + 1).getCell(1).value = summary;
  ws.mergeCells(TITLE_ROWS + 1, 1, TITLE_ROWS + 1, headers.length);
  ws.getRow(TITLE_ROWS + 1).getCell(1).font = { name: FONT, size: 11 };

  const first = COMMUNE_HEAD.length + 1;
  headerRow(ws, HEADER_ROW, headers, first);
  ws.getRow(HEADER_ROW).height = 150;
  // The tail headers read better horizontally, wrapped.
  for (let i = first + criteria.length; i <= headers.length; i++) {
    ws.getRow(HEADER_ROW).getCell(i).alignment = { horizontal: "center", vertical: "middle", wrapText: true };
  }
  const formats = [
    FMT_INT,
    null,
    null,
    null,
    ...criteria.map(() => null),
    FMT_INT,
    FMT_INT,
    FMT_INT,
    null,
    FMT_INT,
    FMT_PCT,
  ];
  d.communes.forEach((c, i) =>
    dataRow(ws, HEADER_ROW + 1 + i, communeValues(c, i), formats, { centerFrom: first }),
  );
  const totals: CellValue[] = [
    null,
    null,
    COMMUNE_TOTAL_LABEL,
    null,
    ...criteria.map((_, k) => d.communes.filter((c) => c.criteria[k]?.met === true).length),
    null,
    null,
    null,
    null,
    d.communes.reduce((a, c) => a + c.villagesNtm, 0),
    null,
  ];
  dataRow(
    ws,
    HEADER_ROW + 1 + d.communes.length,
    totals,
    formats.map((f, i) => (i >= 4 ? FMT_INT : f)),
    {
      total: true,
    },
  );
  setWidths(ws, [6, 9, 24, 10, ...criteria.map(() => 5), 10, 10, 7, 16, 10, 12]);
  pageSetup(ws, HEADER_ROW);
}

/** The workbook, as an .xlsx file's bytes. */
export async function buildProgressWorkbook(report: ProgressReport): Promise<Buffer> {
  const wb = new (await loadExcelJS()).Workbook();
  wb.creator = "NTM Bắc Kạn";
  wb.title = `Tiến độ Kế hoạch ${report.plan.code} đến ${vnDate(report.asOf)}`;
  // The document's date is the figures' date, not the moment it was built.
  wb.created = new Date(`${report.asOf}T00:00:00Z`);
  wb.modified = wb.created;
  summarySheet(wb, report);
  byDistrictSheet(wb, report);
  const names = sheetNames(report.districts);
  report.districts.forEach((d, i) => districtSheet(wb, report, d, names[i]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
