import type ExcelJS from "exceljs";
import { loadExcelJS } from "../shared/excel";
import type { EntityManager } from "typeorm";
import { FIRST_DATA_ROW, IMPORT_COLUMNS, MAX_IMPORT_ROWS, TASKS_SHEET } from "./task-import.workbook";

/** The lists the template offers: the plan's groups, and the organizations and units of its province. */
export interface TemplateLists {
  plan: { number: string; title: string } | null;
  groups: { ord: number; title: string | null }[];
  organizations: { code: string; name: string }[];
  units: { code: string; name: string; level: string }[];
}

export const INSTRUCTIONS_SHEET = "Hướng dẫn";
export const LISTS_SHEET = "Danh mục";

const LEVEL_VI: Record<string, string> = {
  province: "Tỉnh",
  district: "Huyện",
  commune: "Xã",
  village: "Thôn",
};

const BOLD = { name: "Times New Roman", bold: true, size: 11 };
const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };

/** Loads the template's lists: a plan's groups and the active organizations and coded units under `scopePath`. */
export async function loadTemplateLists(
  m: EntityManager,
  scopePath: string,
  plan: { id: number; number: string; title: string } | null,
): Promise<TemplateLists> {
  const groups: Array<{ ord: number; title: string | null }> = plan
    ? await m.query("SELECT ord, title FROM task_group WHERE plan_id = ? ORDER BY ord", [plan.id])
    : [];
  const organizations: Array<{ code: string; name: string }> = await m.query(
    `SELECT o.code, o.name FROM organization o JOIN admin_unit un ON un.id = o.unit_id
      WHERE o.active = 1 AND un.path LIKE CONCAT(?, '%') ORDER BY un.depth, o.code LIMIT 5000`,
    [scopePath],
  );
  const units: Array<{ code: string; full_name: string; level: string }> = await m.query(
    `SELECT code, full_name, level FROM admin_unit
      WHERE code IS NOT NULL AND valid_to IS NULL AND path LIKE CONCAT(?, '%') ORDER BY depth, code LIMIT 5000`,
    [scopePath],
  );
  return {
    plan: plan ? { number: plan.number, title: plan.title } : null,
    groups: groups.map((g) => ({ ord: Number(g.ord), title: g.title })),
    organizations,
    units: units.map((u) => ({ code: u.code, name: u.full_name, level: u.level })),
  };
}

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

/** The downloadable template: the task sheet with its two header rows, the instructions, and the lists. */
export async function buildTaskImportTemplate(lists: TemplateLists): Promise<Buffer> {
  const wb = new (await loadExcelJS()).Workbook();
  wb.creator = "NTM Bắc Kạn";
  wb.title = "Mẫu nhập nhiệm vụ (task import template)";

  const ws = wb.addWorksheet(TASKS_SHEET);
  const lastRow = FIRST_DATA_ROW + MAX_IMPORT_ROWS - 1;
  IMPORT_COLUMNS.forEach((col, i) => {
    const vi = ws.getRow(1).getCell(i + 1);
    vi.value = col.vi;
    vi.font = BOLD;
    vi.fill = HEADER_FILL;
    vi.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
    const en = ws.getRow(2).getCell(i + 1);
    en.value = col.en + (col.required ? " *" : "");
    en.font = { name: "Times New Roman", italic: true, size: 10, color: { argb: "FF595959" } };
    en.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
    const column = ws.getColumn(i + 1);
    column.width = col.key === "title" || col.key === "description" ? 50 : col.kind === "list" ? 28 : 16;
    if (col.kind === "text" || col.kind === "list") column.numFmt = "@";
    if (col.kind === "date") column.numFmt = "dd/mm/yyyy";
  });
  ws.getRow(1).height = 32;
  ws.views = [{ state: "frozen", ySplit: 2, activeCell: `A${FIRST_DATA_ROW}` }];

  // Drop-down lists and type checks on the task rows (Excel warns; the import checks regardless).
  const listRange = (col: string, count: number) =>
    `${quoteSheet(LISTS_SHEET)}!$${col}$2:$${col}$${Math.max(2, count + 1)}`;
  for (let r = FIRST_DATA_ROW; r <= lastRow; r++) {
    const row = ws.getRow(r);
    for (const [i, col] of IMPORT_COLUMNS.entries()) {
      const cell = row.getCell(i + 1);
      if (col.key === "group" && lists.groups.length) {
        cell.dataValidation = {
          type: "list",
          allowBlank: true,
          formulae: [listRange("A", lists.groups.length)],
          showErrorMessage: true,
          errorTitle: "Nhóm nhiệm vụ",
          error: "Chọn số nhóm trong danh mục (sheet Danh mục).",
        };
      } else if (col.key === "lead" && lists.organizations.length) {
        cell.dataValidation = {
          type: "list",
          allowBlank: true,
          formulae: [listRange("D", lists.organizations.length)],
          showErrorMessage: true,
          errorTitle: "Đơn vị chủ trì",
          error: "Chọn mã đơn vị trong danh mục (sheet Danh mục).",
        };
      } else if (col.kind === "date") {
        cell.dataValidation = {
          type: "date",
          operator: "between",
          allowBlank: true,
          formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2199, 11, 31))],
          showErrorMessage: true,
          error: "Nhập ngày dạng dd/mm/yyyy.",
        };
      } else if (col.kind === "decimal") {
        cell.dataValidation = {
          type: "decimal",
          operator: "greaterThanOrEqual",
          allowBlank: true,
          formulae: [0],
          showErrorMessage: true,
          error: "Nhập số không âm.",
        };
      }
    }
  }

  const help = wb.addWorksheet(INSTRUCTIONS_SHEET);
  const lines = [
    "HƯỚNG DẪN NHẬP NHIỆM VỤ TỪ EXCEL (how to fill in the task table)",
    lists.plan ? `Kế hoạch số ${lists.plan.number}: ${lists.plan.title}` : "",
    `Mỗi dòng từ dòng ${FIRST_DATA_ROW} của sheet "${TASKS_SHEET}" là một nhiệm vụ, tối đa ${MAX_IMPORT_ROWS} dòng. One task per row from row ${FIRST_DATA_ROW}, at most ${MAX_IMPORT_ROWS}.`,
    "Không sửa hai dòng tiêu đề; không dùng công thức (dán giá trị). Keep the two header rows; no formulas (paste values).",
    "Nhiều mã trong một ô cách nhau bằng dấu ; hoặc dấu phẩy. Several codes in one cell: separate them with ; or ,.",
    "Ngày: ô kiểu ngày hoặc văn bản dd/mm/yyyy (giờ Việt Nam). Dates: a date cell or text dd/mm/yyyy.",
    "Tệp chỉ được nhập khi mọi dòng đều hợp lệ; nếu có lỗi, hệ thống báo số dòng và lý do. Nothing is imported unless every row is good; each bad row is reported with its number and reason.",
  ];
  lines.forEach((l, i) => {
    help.getRow(i + 1).getCell(1).value = l;
    help.getRow(i + 1).getCell(1).font = { name: "Times New Roman", bold: i === 0, size: i === 0 ? 13 : 11 };
  });
  const top = lines.length + 2;
  ["Cột / Column", "Tiêu đề", "Header", "Bắt buộc / Required", "Nội dung / What it holds"].forEach((h, i) => {
    const c = help.getRow(top).getCell(i + 1);
    c.value = h;
    c.font = BOLD;
    c.fill = HEADER_FILL;
  });
  IMPORT_COLUMNS.forEach((col, i) => {
    const row = help.getRow(top + 1 + i);
    row.values = [
      col.letter,
      col.vi,
      col.en,
      col.required ? (col.key === "group" ? "Có (trừ nhiệm vụ con)" : "Có") : "Không",
      col.help,
    ];
    row.getCell(5).alignment = { wrapText: true, vertical: "top" };
  });
  [10, 28, 30, 18, 90].forEach((w, i) => (help.getColumn(i + 1).width = w));

  const ls = wb.addWorksheet(LISTS_SHEET);
  const heads: Array<[number, string]> = [
    [1, "Nhóm (Group)"],
    [2, "Tên nhóm (Group title)"],
    [4, "Mã đơn vị (Organization code)"],
    [5, "Tên đơn vị (Organization)"],
    [7, "Mã ĐVHC (Unit code)"],
    [8, "Đơn vị hành chính (Unit)"],
    [9, "Cấp (Level)"],
  ];
  for (const [c, h] of heads) {
    const cell = ls.getRow(1).getCell(c);
    cell.value = h;
    cell.font = BOLD;
    cell.fill = HEADER_FILL;
  }
  lists.groups.forEach((g, i) => {
    ls.getRow(i + 2).getCell(1).value = g.ord;
    ls.getRow(i + 2).getCell(2).value = g.title ?? `Nhóm ${g.ord}`;
  });
  lists.organizations.forEach((o, i) => {
    ls.getRow(i + 2).getCell(4).value = o.code;
    ls.getRow(i + 2).getCell(5).value = o.name;
  });
  lists.units.forEach((u, i) => {
    const cell = ls.getRow(i + 2).getCell(7);
    cell.value = u.code;
    cell.numFmt = "@";
    ls.getRow(i + 2).getCell(8).value = u.name;
    ls.getRow(i + 2).getCell(9).value = LEVEL_VI[u.level] ?? u.level;
  });
  [8, 50, 2, 16, 50, 2, 12, 36, 10].forEach((w, i) => (ls.getColumn(i + 1).width = w));
  ls.views = [{ state: "frozen", ySplit: 1 }];

  return Buffer.from(await wb.xlsx.writeBuffer());
}
