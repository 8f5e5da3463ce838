import http from "node:http";
import type { AddressInfo } from "node:net";
import ExcelJS from "exceljs";
import type { DataSource } from "typeorm";
import { createProgressExportHandler } from "../../src/reports/progress-export";
import {
  BY_DISTRICT_HEADERS,
  BY_DISTRICT_SHEET,
  buildProgressWorkbook,
  COMMUNE_HEAD,
  COMMUNE_TAIL,
  COMMUNE_TOTAL_LABEL,
  HEADER_ROW,
  LEVEL_LABEL,
  MET,
  NO_LEVEL,
  NOT_ASSESSED,
  NOT_MET,
  SUMMARY_SHEET,
  TARGET_HEADERS,
  UNIT_HEADERS,
  unitHeaderRow,
} from "../../src/reports/progress-workbook";
import type { ProgressReport, ProgressUnitRow } from "../../src/reports/progress-report.types";
import { createLogger } from "../../src/shared/logger";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { UnitType } from "../../src/units/unit.enums";
import { makeOrg, makePlan, makeUnit, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { bacKanProgressFixture } from "./progress-fixture";

// Workbooks are built and read on a shared, busy machine; nothing here is timed.
jest.setTimeout(120_000);

async function readBack(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

const rowValues = (ws: ExcelJS.Worksheet, r: number, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const v = ws.getRow(r).getCell(i + 1).value;
    return v === undefined ? null : v;
  });

const TYPE: Record<string, string> = { xa: "Xã", phuong: "Phường", thi_tran: "Thị trấn" };
const UNIT_WORD: Record<string, string> = { tinh: "Tỉnh", huyen: "Huyện", thanh_pho: "Thành phố" };
const unitCells = (u: ProgressUnitRow, stt: number | null) => [
  stt,
  `${UNIT_WORD[u.type]} ${u.name}`,
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

describe("buildProgressWorkbook", () => {
  const report = bacKanProgressFixture();
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = await readBack(await buildProgressWorkbook(report));
  });

  it("has the summary, the by-district sheet and one sheet per district, in order", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      SUMMARY_SHEET,
      BY_DISTRICT_SHEET,
      "Bắc Kạn",
      "Pác Nặm",
      "Ba Bể",
      "Ngân Sơn",
      "Bạch Thông",
      "Chợ Đồn",
      "Chợ Mới",
      "Na Rì",
    ]);
  });

  it("titles the summary with the plan number and the as-of date, header frozen", () => {
    const ws = wb.getWorksheet(SUMMARY_SHEET)!;
    expect(ws.getCell("A1").value).toBe("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU XÂY DỰNG NÔNG THÔN MỚI NĂM 2022");
    expect(ws.getCell("A2").value).toBe(
      "Kế hoạch số 125/KH-UBND: Kế hoạch thực hiện Chương trình MTQG xây dựng nông thôn mới tỉnh Bắc Kạn năm 2022",
    );
    expect(ws.getCell("A3").value).toBe("Số liệu tính đến ngày 30/11/2022");
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: HEADER_ROW });
    expect(ws.getColumn(3).width).toBe(46);
    expect(rowValues(ws, HEADER_ROW, TARGET_HEADERS.length)).toEqual([...TARGET_HEADERS]);
  });

  it("writes every target row: baseline, target, actual, percent achieved", () => {
    const ws = wb.getWorksheet(SUMMARY_SHEET)!;
    report.targets.forEach((t, i) => {
      const r = HEADER_ROW + 1 + i;
      expect(rowValues(ws, r, TARGET_HEADERS.length)).toEqual([
        i + 1,
        t.code,
        t.title,
        t.measureUnit,
        t.baseline,
        t.target,
        t.actual,
        t.percentAchieved,
      ]);
    });
    const first = ws.getRow(HEADER_ROW + 1);
    expect(first.getCell(8).numFmt).toBe("0.0");
    expect(first.getCell(5).numFmt).toBe("#,##0.##");
    // The row after the targets is blank.
    expect(rowValues(ws, HEADER_ROW + 1 + report.targets.length, 8).every((v) => v === null)).toBe(true);
  });

  it("writes the province total and every district's figures", () => {
    const ws = wb.getWorksheet(SUMMARY_SHEET)!;
    const at = unitHeaderRow(report);
    expect(rowValues(ws, at, UNIT_HEADERS.length)).toEqual([...UNIT_HEADERS]);
    expect(rowValues(ws, at + 1, UNIT_HEADERS.length)).toEqual(unitCells(report.province, null));
    expect(ws.getRow(at + 1).getCell(2).font?.bold).toBe(true);
    report.districts.forEach((d, i) => {
      expect(rowValues(ws, at + 2 + i, UNIT_HEADERS.length)).toEqual(unitCells(d.district, i + 1));
    });
    expect(ws.getRow(at + 2).getCell(6).numFmt).toBe("0.00");
    expect(ws.getRow(at + 2 + report.districts.length).getCell(2).value ?? null).toBeNull();
  });

  it("splits the targets that split by district", () => {
    const ws = wb.getWorksheet(BY_DISTRICT_SHEET)!;
    expect(rowValues(ws, HEADER_ROW, BY_DISTRICT_HEADERS.length)).toEqual([...BY_DISTRICT_HEADERS]);
    let r = HEADER_ROW + 1;
    let n = 0;
    for (const t of report.targets) {
      for (const d of t.byDistrict) {
        expect(rowValues(ws, r++, 6)).toEqual([++n, t.code, t.title, d.name, d.target, d.actual]);
      }
    }
    expect(n).toBe(16);
    expect(ws.getRow(r).getCell(1).value ?? null).toBeNull();
  });

  it("writes every commune of every district with its 19 criteria, level and totals", () => {
    let communes = 0;
    report.districts.forEach((d, di) => {
      const ws = wb.worksheets[2 + di];
      const crit = d.communes[0].criteria;
      const width = COMMUNE_HEAD.length + crit.length + COMMUNE_TAIL.length;
      expect(crit).toHaveLength(19);
      expect(String(ws.getCell("A1").value)).toContain(
        `${d.district.type === "huyen" ? "HUYỆN" : "THÀNH PHỐ"} ${d.district.name.toUpperCase()}`,
      );
      expect(ws.getCell("A3").value).toBe("Số liệu tính đến ngày 30/11/2022");
      expect(String(ws.getCell("A4").value)).toContain(`Xã đạt chuẩn NTM: ${d.district.communesNtm};`);
      expect(rowValues(ws, HEADER_ROW, width)).toEqual([
        ...COMMUNE_HEAD,
        ...crit.map((k) => `${k.no}. ${k.name}`),
        ...COMMUNE_TAIL,
      ]);
      expect(ws.getRow(HEADER_ROW).getCell(5).alignment?.textRotation).toBe(90);
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: HEADER_ROW });
      d.communes.forEach((c, ci) => {
        communes++;
        expect(rowValues(ws, HEADER_ROW + 1 + ci, width)).toEqual([
          ci + 1,
          c.code,
          c.name,
          TYPE[c.type],
          ...c.criteria.map((k) => (k.met === null ? NOT_ASSESSED : k.met ? MET : NOT_MET)),
          c.criteriaMet,
          c.criteriaMetBaseline,
          c.criteriaMet - c.criteriaMetBaseline,
          c.level === null ? NO_LEVEL : LEVEL_LABEL[c.level],
          c.villagesNtm,
          c.percentDone,
        ]);
      });
      const total = rowValues(ws, HEADER_ROW + 1 + d.communes.length, width);
      expect(total[2]).toBe(COMMUNE_TOTAL_LABEL);
      crit.forEach((_, k) =>
        expect(total[4 + k]).toBe(d.communes.filter((c) => c.criteria[k].met === true).length),
      );
      expect(total[width - 2]).toBe(d.communes.reduce((a, c) => a + c.villagesNtm, 0));
      expect(ws.getRow(HEADER_ROW + 2 + d.communes.length).getCell(3).value ?? null).toBeNull();
    });
    expect(communes).toBe(108);
  });

  it("keeps Vietnamese text intact", async () => {
    const ws = wb.worksheets[4];
    expect(ws.name).toBe("Ba Bể");
    expect(wb.worksheets[7].getRow(HEADER_ROW + 1).getCell(3).value).toBe(
      report.districts[5].communes[0].name,
    );
  });
});

describe("buildProgressWorkbook on a sparse report", () => {
  it("writes a district without communes and a plan without targets", async () => {
    const full = bacKanProgressFixture("2022-01-05");
    const sparse: ProgressReport = {
      ...full,
      targets: [],
      districts: [
        { district: full.districts[1].district, communes: [] },
        {
          district: { ...full.districts[2].district, name: "Ba Bể" },
          communes: full.districts[2].communes.slice(0, 1),
        },
        { district: { ...full.districts[2].district, name: "ba bể" }, communes: [] },
      ],
    };
    const wb = await readBack(await buildProgressWorkbook(sparse));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      SUMMARY_SHEET,
      BY_DISTRICT_SHEET,
      "Pác Nặm",
      "Ba Bể",
      "ba bể (2)",
    ]);
    const empty = wb.getWorksheet("Pác Nặm")!;
    expect(rowValues(empty, HEADER_ROW, COMMUNE_HEAD.length + COMMUNE_TAIL.length)).toEqual([
      ...COMMUNE_HEAD,
      ...COMMUNE_TAIL,
    ]);
    expect(empty.getRow(HEADER_ROW + 1).getCell(3).value).toBe(COMMUNE_TOTAL_LABEL);
    const summary = wb.getWorksheet(SUMMARY_SHEET)!;
    expect(summary.getCell("A3").value).toBe("Số liệu tính đến ngày 05/01/2022");
    expect(rowValues(summary, unitHeaderRow(sparse), 2)).toEqual(["STT", "Đơn vị"]);
  });
});

describe("GET /plans/<id>/progress.xlsx (createProgressExportHandler)", () => {
  let app: TestApp;
  let server: http.Server;
  let base: string;
  let planGid: string;
  let coordinatorToken: string;
  let officerToken: string;
  let foreignCoordinatorToken: string;
  const calls: Array<{ planId: number; asOf?: string }> = [];

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-11-30T03:00:00Z") });
    const ds = app.db.ds;
    const province = await makeUnit(ds, { name: "Bắc Kạn", type: UnitType.TINH });
    const district = await makeUnit(ds, { name: "Ba Bể", type: UnitType.HUYEN, parent: province });
    const other = await makeUnit(ds, { name: "Thái Nguyên", type: UnitType.TINH });
    const plan = await makePlan(ds, { scope: province, number: "125/KH-UBND" });
    planGid = toGlobalId("Plan", plan.id);
    const office = await makeOrg(ds, { unit: province, name: "Văn phòng Điều phối NTM tỉnh" });
    const districtOrg = await makeOrg(ds, { unit: district });
    const otherOrg = await makeOrg(ds, { unit: other });
    coordinatorToken = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    officerToken = await app.tokenFor(
      await makeUser(ds, { org: districtOrg, roles: [Role.DISTRICT_OFFICER] }),
    );
    foreignCoordinatorToken = await app.tokenFor(
      await makeUser(ds, { org: otherOrg, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    const loadReport = async (_ds: DataSource, planId: number, asOf?: string): Promise<ProgressReport> => {
      calls.push({ planId, asOf });
      return { ...bacKanProgressFixture(asOf), plan: { ...bacKanProgressFixture().plan, id: planId } };
    };
    const handler = createProgressExportHandler({
      ds,
      config: app.db.config,
      logger: createLogger("silent"),
      clock: app.clock,
      loadReport,
    });
    server = http.createServer((req, res) => {
      void handler(req, res, new URL(req.url ?? "/", "http://localhost"), "req-1");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await app.close();
  });

  const get = (path: string, token: string | null, method = "GET") =>
    fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const errorOf = async (res: Response) => {
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    return body.errors[0];
  };

  it("gives the plan's coordinator the workbook, as of today by default", async () => {
    const res = await get(`/plans/${planGid}/progress.xlsx`, coordinatorToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toContain("Tien-do-125-KH-UBND-2022-11-30.xlsx");
    const wb = await readBack(Buffer.from(await res.arrayBuffer()));
    expect(wb.getWorksheet(SUMMARY_SHEET)!.getCell("A3").value).toBe("Số liệu tính đến ngày 30/11/2022");
    expect(calls.at(-1)).toEqual({ planId: expect.any(Number), asOf: "2022-11-30" });
  });

  it("passes an earlier asOf through, and administrators may export too", async () => {
    const res = await get(`/plans/${planGid}/progress.xlsx?asOf=2022-06-30`, await app.tokenFor(app.admin));
    expect(res.status).toBe(200);
    const wb = await readBack(Buffer.from(await res.arrayBuffer()));
    expect(wb.getWorksheet(SUMMARY_SHEET)!.getCell("A3").value).toBe("Số liệu tính đến ngày 30/06/2022");
  });

  it("refuses anonymous callers, other roles and other provinces' coordinators", async () => {
    const before = calls.length;
    let res = await get(`/plans/${planGid}/progress.xlsx`, null);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).extensions.code).toBe("UNAUTHENTICATED");
    res = await get(`/plans/${planGid}/progress.xlsx`, "not-a-token");
    expect(res.status).toBe(401);
    for (const token of [officerToken, foreignCoordinatorToken]) {
      res = await get(`/plans/${planGid}/progress.xlsx`, token);
      expect(res.status).toBe(403);
      expect(await errorOf(res)).toEqual({
        message: "Only the plan's coordinators may export its progress",
        extensions: { code: "FORBIDDEN" },
      });
    }
    expect(calls.length).toBe(before);
  });

  it("answers bad IDs, bad dates and wrong methods with typed JSON errors", async () => {
    const cases: Array<[string, string, number, string]> = [
      [`/plans/${toGlobalId("Task", 1)}/progress.xlsx`, "GET", 404, "NOT_FOUND"],
      [`/plans/${toGlobalId("Plan", 99999)}/progress.xlsx`, "GET", 404, "NOT_FOUND"],
      [`/plans/%27%3B--/progress.xlsx`, "GET", 404, "NOT_FOUND"],
      [`/plans/${planGid}/progress.xlsx?asOf=2022-02-30`, "GET", 400, "BAD_REQUEST"],
      [`/plans/${planGid}/progress.xlsx?asOf=30/11/2022`, "GET", 400, "BAD_REQUEST"],
      [`/plans/${planGid}/progress.xlsx?asOf=2022-12-01`, "GET", 400, "BAD_REQUEST"],
      [`/plans/${planGid}/progress.xlsx`, "POST", 405, "METHOD_NOT_ALLOWED"],
    ];
    for (const [path, method, status, code] of cases) {
      const res = await get(path, coordinatorToken, method);
      expect([path, res.status]).toEqual([path, status]);
      expect((await errorOf(res)).extensions.code).toBe(code);
    }
  });

  it("hides a failing loader behind INTERNAL_SERVER_ERROR", async () => {
    const handler = createProgressExportHandler({
      ds: app.db.ds,
      config: app.db.config,
      logger: createLogger("silent"),
      clock: app.clock,
      loadReport: () => Promise.reject(new Error("SELECT secret FROM rollup failed")),
    });
    const s = http.createServer((req, res) => {
      void handler(req, res, new URL(req.url ?? "/", "http://localhost"), "req-2");
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(
        `http://127.0.0.1:${(s.address() as AddressInfo).port}/plans/${planGid}/progress.xlsx`,
        { headers: { authorization: `Bearer ${coordinatorToken}` } },
      );
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain("secret");
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
      });
    } finally {
      await new Promise((r) => s.close(r));
    }
  });
});
