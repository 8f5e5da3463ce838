import type ExcelJS from "exceljs";
import { loadExcelJS } from "../shared/excel";
import { MAX_DATE, MIN_DATE } from "../shared/dates";
import { guardXlsx, XlsxRefused } from "../shared/xlsx-guard";

/**
 * The task table workbook (nhập nhiệm vụ từ Excel): its columns, and reading it into plain rows.
 * Reading checks each cell's type and shape; what the cells refer to (groups, organizations,
 * units, other tasks) is checked by the import command against the database.
 */

export const TASKS_SHEET = "Nhiệm vụ";
/** Row 1: Vietnamese headers; row 2: English headers; tasks from row 3. */
export const FIRST_DATA_ROW = 3;
export const MAX_IMPORT_ROWS = 500;

export type ColumnKey =
  | "group"
  | "code"
  | "title"
  | "parent"
  | "lead"
  | "cooperating"
  | "units"
  | "startDate"
  | "dueDate"
  | "quota"
  | "quotaUnit"
  | "description";

export interface ImportColumn {
  key: ColumnKey;
  letter: string;
  vi: string;
  en: string;
  kind: "int" | "text" | "list" | "date" | "decimal";
  required: boolean;
  maxLength?: number;
  /** What the column holds, for the instructions sheet and the README. */
  help: string;
}

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  {
    key: "group",
    letter: "A",
    vi: "Nhóm nhiệm vụ",
    en: "Task group",
    kind: "int",
    required: true,
    help: "The group's number in the plan (1, 2, …; sheet Danh mục). May be left empty on a sub-task: it takes its parent's.",
  },
  {
    key: "code",
    letter: "B",
    vi: "Số hiệu",
    en: "Number",
    kind: "text",
    required: false,
    maxLength: 40,
    help: "Optional number of the task in the plan, unique in the plan (letters, digits, . - _ /). Empty: numbered automatically (125-3.1, 125-3.2, … or, under a parent, <parent>.1).",
  },
  {
    key: "title",
    letter: "C",
    vi: "Tên nhiệm vụ",
    en: "Task",
    kind: "text",
    required: true,
    maxLength: 500,
    help: "The task as the plan words it (up to 500 characters).",
  },
  {
    key: "parent",
    letter: "D",
    vi: "Thuộc nhiệm vụ (số hiệu)",
    en: "Parent task (number)",
    kind: "text",
    required: false,
    maxLength: 40,
    help: "Optional: the number of the task this one belongs to, a task already in the plan or one on an earlier row.",
  },
  {
    key: "lead",
    letter: "E",
    vi: "Đơn vị chủ trì (mã)",
    en: "Lead organization (code)",
    kind: "text",
    required: true,
    maxLength: 40,
    help: "The code of the organization that leads (chủ trì), e.g. SNN (sheet Danh mục).",
  },
  {
    key: "cooperating",
    letter: "F",
    vi: "Đơn vị phối hợp (mã)",
    en: "Cooperating organizations (codes)",
    kind: "list",
    required: false,
    help: "Codes of the cooperating organizations (phối hợp), separated by ; or , (at most 100).",
  },
  {
    key: "units",
    letter: "G",
    vi: "Địa bàn liên quan (mã ĐVHC)",
    en: "Concerned units (codes)",
    kind: "list",
    required: false,
    help: "Official codes of the administrative units the task concerns, separated by ; or , (at most 200). Empty: the lead organization's unit.",
  },
  {
    key: "startDate",
    letter: "H",
    vi: "Ngày bắt đầu",
    en: "Start date",
    kind: "date",
    required: false,
    help: "A date cell, or text dd/mm/yyyy (Asia/Ho_Chi_Minh calendar date).",
  },
  {
    key: "dueDate",
    letter: "I",
    vi: "Hạn hoàn thành",
    en: "Due date",
    kind: "date",
    required: true,
    help: "The deadline: a date cell, or text dd/mm/yyyy; not before the start date, not in the past, not after the parent's.",
  },
  {
    key: "quota",
    letter: "J",
    vi: "Chỉ tiêu (số lượng)",
    en: "Quota",
    kind: "decimal",
    required: false,
    help: "Optional quantity to deliver, e.g. 60; at most 2 decimals, not negative.",
  },
  {
    key: "quotaUnit",
    letter: "K",
    vi: "Đơn vị tính",
    en: "Quota unit",
    kind: "text",
    required: false,
    maxLength: 32,
    help: "Unit of the quota, e.g. thôn, xã (up to 32 characters).",
  },
  {
    key: "description",
    letter: "L",
    vi: "Mô tả, ghi chú",
    en: "Description",
    kind: "text",
    required: false,
    maxLength: 5000,
    help: "Optional description (up to 5,000 characters).",
  },
];

export const COLUMN_OF: Record<ColumnKey, ImportColumn> = Object.fromEntries(
  IMPORT_COLUMNS.map((c) => [c.key, c]),
) as Record<ColumnKey, ImportColumn>;

/** One problem: the Excel row (1-based) and column letter, null for the file as a whole. */
export interface ImportError {
  row: number | null;
  column: string | null;
  code: string;
  message: string;
}

/** One task row as read: text normalised to NFC and trimmed, dates as YYYY-MM-DD, numbers as strings. */
export interface RawTaskRow {
  row: number;
  group: number | null;
  code: string | null;
  title: string | null;
  parent: string | null;
  lead: string | null;
  cooperating: string[];
  units: string[];
  startDate: string | null;
  dueDate: string | null;
  quota: string | null;
  quotaUnit: string | null;
  description: string | null;
}

/** Refusal of the file as a whole (not a workbook, too big, no task sheet, wrong headers, too many rows). */
export class WorkbookRefused extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly details: ImportError[] = [],
  ) {
    super(message);
  }
}

const MAX_LIST_ITEMS: Partial<Record<ColumnKey, number>> = { cooperating: 100, units: 200 };
const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const VN_RE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
// Control characters other than tab, newline and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function calendar(y: number, m: number, d: number): string | null {
  const iso = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const dt = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(dt.getTime()) || dt.toISOString().slice(0, 10) !== iso) return null;
  return iso < MIN_DATE || iso > MAX_DATE ? null : iso;
}

type Cell =
  | { kind: "empty" }
  | { kind: "text"; text: string }
  | { kind: "number"; n: number }
  | { kind: "date"; d: Date }
  | { kind: "bad"; code: string; why: string };

/** What a cell holds, with formulas, errors and other types told apart. */
function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return { kind: "empty" };
  if (typeof value === "string")
    return value.trim() === "" ? { kind: "empty" } : { kind: "text", text: value };
  if (typeof value === "number")
    return Number.isFinite(value)
      ? { kind: "number", n: value }
      : { kind: "bad", code: "WRONG_TYPE", why: "is not a finite number" };
  if (typeof value === "boolean") return { kind: "bad", code: "WRONG_TYPE", why: "holds TRUE/FALSE" };
  if (value instanceof Date)
    return Number.isNaN(value.getTime())
      ? { kind: "bad", code: "BAD_DATE", why: "holds an invalid date" }
      : { kind: "date", d: value };
  if (typeof value === "object") {
    if ("formula" in value || "sharedFormula" in value)
      return {
        kind: "bad",
        code: "FORMULA",
        why: "holds a formula: paste the values only (Paste Special → Values)",
      };
    if ("error" in value)
      return { kind: "bad", code: "WRONG_TYPE", why: `holds an Excel error (${String(value.error)})` };
    if ("richText" in value && Array.isArray(value.richText)) {
      const text = value.richText.map((r) => (typeof r.text === "string" ? r.text : "")).join("");
      return text.trim() === "" ? { kind: "empty" } : { kind: "text", text };
    }
    if ("text" in value && typeof value.text === "string")
      return value.text.trim() === "" ? { kind: "empty" } : { kind: "text", text: value.text };
  }
  return { kind: "bad", code: "WRONG_TYPE", why: "holds something other than text, a number or a date" };
}

/** Reads the task sheet's rows. Cell problems are collected per row; the file is refused as a whole when it cannot be read. */
export async function readTaskWorkbook(buf: Buffer): Promise<{ rows: RawTaskRow[]; errors: ImportError[] }> {
  guardXlsx(buf);
  const wb = new (await loadExcelJS()).Workbook();
  try {
    await wb.xlsx.load(
      buf as unknown as ArrayBuffer,
      {
        // Parts we never read; some (merges, validations) exceljs would expand cell by cell.
        ignoreNodes: [
          "mergeCells",
          "dataValidations",
          "conditionalFormatting",
          "hyperlinks",
          "autoFilter",
          "rowBreaks",
          "cols",
          "picture",
          "drawing",
          "legacyDrawing",
          "tableParts",
          "extLst",
        ],
        maxRows: 20_000,
        maxCols: 200,
      } as unknown as ExcelJS.XlsxReadOptions,
    );
  } catch (err) {
    if (err instanceof Error && /^Max (row|column|\w+) count/.test(err.message))
      throw new WorkbookRefused(
        "TOO_MANY_ROWS",
        `A sheet has too many rows or columns (the task sheet takes at most ${MAX_IMPORT_ROWS} tasks)`,
      );
    throw new XlsxRefused("NOT_XLSX", "The workbook could not be read: save it again as .xlsx from Excel");
  }
  const ws = wb.getWorksheet(TASKS_SHEET) ?? wb.worksheets[0];
  if (!ws) throw new WorkbookRefused("NO_TASK_SHEET", `The workbook has no sheet "${TASKS_SHEET}"`);

  const headerProblems: ImportError[] = [];
  const header = ws.getRow(1);
  for (const [i, col] of IMPORT_COLUMNS.entries()) {
    const c = cellOf(header.getCell(i + 1).value);
    const text = c.kind === "text" ? c.text.normalize("NFC").trim() : "";
    if (text.toLowerCase() !== col.vi.toLowerCase() && text.toLowerCase() !== col.en.toLowerCase()) {
      headerProblems.push({
        row: 1,
        column: col.letter,
        code: "BAD_HEADER",
        message: `Column ${col.letter} must be "${col.vi}" (${col.en}); found "${text.slice(0, 60)}"`,
      });
    }
  }
  // Row 2 holds the English headers (or nothing): a task typed there would otherwise be skipped.
  const second = ws.getRow(2);
  for (const [i, col] of IMPORT_COLUMNS.entries()) {
    const c = cellOf(second.getCell(i + 1).value);
    if (c.kind === "empty") continue;
    const text =
      c.kind === "text"
        ? c.text
            .normalize("NFC")
            .trim()
            .replace(/\s*\*$/, "")
            .toLowerCase()
        : "";
    if (text !== col.en.toLowerCase() && text !== col.vi.toLowerCase()) {
      headerProblems.push({
        row: 2,
        column: col.letter,
        code: "BAD_HEADER",
        message: `Row 2 holds the English headers; tasks start on row ${FIRST_DATA_ROW}`,
      });
      break;
    }
  }
  if (headerProblems.length)
    throw new WorkbookRefused(
      "BAD_HEADER",
      "The task sheet's headers are not the template's: download the template again",
      headerProblems,
    );

  const rows: RawTaskRow[] = [];
  const errors: ImportError[] = [];
  let tooMany = false;
  ws.eachRow({ includeEmpty: false }, (excelRow, rowNo) => {
    if (rowNo < FIRST_DATA_ROW || tooMany) return;
    // A row whose cells are all empty (formatting only) is not a task.
    const cells = IMPORT_COLUMNS.map((_, i) => cellOf(excelRow.getCell(i + 1).value));
    const extra = excelRow.cellCount > IMPORT_COLUMNS.length;
    if (cells.every((c) => c.kind === "empty") && !extra) return;
    if (rows.length >= MAX_IMPORT_ROWS) {
      tooMany = true;
      return;
    }
    const row: RawTaskRow = {
      row: rowNo,
      group: null,
      code: null,
      title: null,
      parent: null,
      lead: null,
      cooperating: [],
      units: [],
      startDate: null,
      dueDate: null,
      quota: null,
      quotaUnit: null,
      description: null,
    };
    const fail = (col: ImportColumn, code: string, message: string) =>
      errors.push({ row: rowNo, column: col.letter, code, message });
    IMPORT_COLUMNS.forEach((col, i) => {
      const c = cells[i];
      const label = `${col.vi} (${col.en})`;
      if (c.kind === "bad") return fail(col, c.code, `${label} ${c.why}`);
      if (c.kind === "empty") return;
      switch (col.kind) {
        case "int": {
          const n =
            c.kind === "number"
              ? c.n
              : c.kind === "text" && /^\s*\d{1,4}\s*$/.test(c.text)
                ? Number(c.text)
                : NaN;
          if (!Number.isInteger(n) || n < 1 || n > 9999)
            return fail(col, "WRONG_TYPE", `${label} must be a whole number such as 3`);
          row.group = n;
          return;
        }
        case "date": {
          let iso: string | null = null;
          if (c.kind === "date")
            iso = calendar(c.d.getUTCFullYear(), c.d.getUTCMonth() + 1, c.d.getUTCDate());
          else if (c.kind === "text") {
            const t = c.text.trim();
            const vn = VN_RE.exec(t);
            const is = ISO_RE.exec(t);
            if (vn) iso = calendar(Number(vn[3]), Number(vn[2]), Number(vn[1]));
            else if (is) iso = calendar(Number(is[1]), Number(is[2]), Number(is[3]));
          }
          if (iso === null)
            return fail(
              col,
              "BAD_DATE",
              `${label} must be a date (a date cell or dd/mm/yyyy, between ${MIN_DATE} and ${MAX_DATE})`,
            );
          row[col.key as "startDate" | "dueDate"] = iso;
          return;
        }
        case "decimal": {
          const t =
            c.kind === "number" ? String(c.n) : c.kind === "text" ? c.text.trim().replace(",", ".") : "";
          if (!/^\d{1,12}(\.\d{1,2})?$/.test(t))
            return fail(col, "BAD_NUMBER", `${label} must be a number of at least 0 with at most 2 decimals`);
          row.quota = Number(t).toFixed(2);
          return;
        }
        case "list":
        case "text": {
          // Codes typed into a number cell (058) lose nothing we cannot match; other text must be text.
          const raw = c.kind === "text" ? c.text : c.kind === "number" ? String(c.n) : null;
          if (raw === null) return fail(col, "WRONG_TYPE", `${label} must be text`);
          const text = raw.normalize("NFC").trim();
          if (CONTROL_RE.test(text)) return fail(col, "WRONG_TYPE", `${label} holds control characters`);
          if (col.kind === "list") {
            const items = [
              ...new Set(
                text
                  .split(/[;,\n]+/)
                  .map((s) => s.trim())
                  .filter((s) => s !== ""),
              ),
            ];
            const max = MAX_LIST_ITEMS[col.key] ?? 100;
            if (items.length > max)
              return fail(col, "TOO_MANY_ITEMS", `${label} lists more than ${max} codes`);
            row[col.key as "cooperating" | "units"] = items;
            return;
          }
          if (col.maxLength !== undefined && [...text].length > col.maxLength)
            return fail(col, "TOO_LONG", `${label} is longer than ${col.maxLength} characters`);
          row[col.key as "code" | "title" | "parent" | "lead" | "quotaUnit" | "description"] = text;
          return;
        }
      }
    });
    if (extra)
      for (let i = IMPORT_COLUMNS.length + 1; i <= excelRow.cellCount; i++) {
        if (cellOf(excelRow.getCell(i).value).kind !== "empty") {
          errors.push({
            row: rowNo,
            column: excelRow.getCell(i).address.replace(/\d+$/, ""),
            code: "UNEXPECTED_COLUMN",
            message: `Nothing goes beyond column ${IMPORT_COLUMNS.at(-1)!.letter}`,
          });
          break;
        }
      }
    rows.push(row);
  });
  if (tooMany)
    throw new WorkbookRefused(
      "TOO_MANY_ROWS",
      `The task sheet has more than ${MAX_IMPORT_ROWS} tasks: split it into several files`,
    );
  if (rows.length === 0 && errors.length === 0)
    throw new WorkbookRefused("NO_ROWS", `The task sheet has no task from row ${FIRST_DATA_ROW} on`);
  return { rows, errors };
}
