import type ExcelJS from "exceljs";

/**
 * exceljs, loaded the first time a workbook is built or read rather than when the API starts: it
 * brings about 8 MB of heap (and its zip and XML libraries) that a process serving lists and
 * dashboards never touches (README, "Memory"). Node caches the module after the first load.
 */
export async function loadExcelJS(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}
