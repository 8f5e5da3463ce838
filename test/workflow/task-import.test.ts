import ExcelJS from "exceljs";
import JSZip from "jszip";
import type { Organization } from "../../src/organizations/organization.entity";
import type { Plan } from "../../src/plans/plan.entity";
import type { TaskGroup } from "../../src/plans/task-group.entity";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { Task } from "../../src/tasks/task.entity";
import type { Unit } from "../../src/units/unit.entity";
import { UnitType } from "../../src/units/unit.enums";
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS, TASKS_SHEET } from "../../src/workflow/task-import.workbook";
import { INSTRUCTIONS_SHEET, LISTS_SHEET } from "../../src/workflow/task-import.template";
import { makeGroup, makeOrg, makePlan, makeTask, makeUnit, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

// Workbooks are built and read on a shared, busy machine; nothing here is timed.
jest.setTimeout(120_000);

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type CellInput = string | number | Date | null | { formula: string };
/** A task row by column key; anything left out is an empty cell. */
type RowInput = Partial<Record<(typeof IMPORT_COLUMNS)[number]["key"], CellInput>>;

interface ImportBody {
  dryRun: boolean;
  imported: number;
  tasks: Array<{ row: number; id: string | null; code: string; title: string }>;
  errors: Array<{ row: number | null; column: string | null; code: string; message: string }>;
}

/** Fills the task sheet of a workbook (the downloaded template, or a bare one with the headers). */
async function fill(rows: RowInput[], base?: Buffer): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  if (base) await wb.xlsx.load(base as unknown as ArrayBuffer);
  let ws = wb.getWorksheet(TASKS_SHEET);
  if (!ws) {
    ws = wb.addWorksheet(TASKS_SHEET);
    IMPORT_COLUMNS.forEach((c, i) => {
      ws!.getRow(1).getCell(i + 1).value = c.vi;
      ws!.getRow(2).getCell(i + 1).value = c.en;
    });
  }
  rows.forEach((r, i) => {
    IMPORT_COLUMNS.forEach((c, j) => {
      const v = r[c.key];
      if (v !== undefined) ws!.getRow(3 + i).getCell(j + 1).value = v as ExcelJS.CellValue;
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("task import from Excel", () => {
  let app: TestApp;
  let province: Unit;
  let babe: Unit;
  let chodon: Unit;
  let commune: Unit;
  let plan: Plan;
  let planGid: string;
  let groups: TaskGroup[];
  let office: Organization;
  let snn: Organization;
  let babeCommittee: Organization;
  let chodonCommittee: Organization;
  let coordinatorToken: string;
  let officerToken: string;
  let foreignToken: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T03:00:00Z") });
    const ds = app.db.ds;
    province = await makeUnit(ds, { name: "Bắc Kạn", type: UnitType.TINH, code: "06" });
    babe = await makeUnit(ds, { name: "Ba Bể", type: UnitType.HUYEN, parent: province, code: "061" });
    chodon = await makeUnit(ds, { name: "Chợ Đồn", type: UnitType.HUYEN, parent: province, code: "064" });
    commune = await makeUnit(ds, { name: "Chu Hương", type: UnitType.XA, parent: babe, code: "01879" });
    const other = await makeUnit(ds, { name: "Thái Nguyên", type: UnitType.TINH, code: "19" });
    office = await makeOrg(ds, { unit: province, code: "VPDP", name: "Văn phòng Điều phối NTM tỉnh" });
    snn = await makeOrg(ds, { unit: province, code: "SNN", name: "Sở Nông nghiệp và Phát triển nông thôn" });
    babeCommittee = await makeOrg(ds, { unit: babe, code: "UBND-061", name: "UBND huyện Ba Bể" });
    chodonCommittee = await makeOrg(ds, { unit: chodon, code: "UBND-064", name: "UBND huyện Chợ Đồn" });
    await makeOrg(ds, { unit: province, code: "SCU", name: "Sở đã giải thể", active: false });
    const foreignOrg = await makeOrg(ds, { unit: other, code: "UBND-TN", name: "UBND tỉnh Thái Nguyên" });
    plan = await makePlan(ds, { scope: province, number: "125/KH-UBND" });
    planGid = toGlobalId("Plan", plan.id);
    groups = [
      await makeGroup(ds, plan, 1, "Phấn đấu có thêm 9 xã đạt chuẩn nông thôn mới"),
      await makeGroup(ds, plan, 2, "Xã nông thôn mới nâng cao"),
      await makeGroup(ds, plan, 3, "Thôn đạt chuẩn nông thôn mới"),
    ];
    await makeTask(ds, {
      plan,
      group: groups[0],
      lead: office,
      code: "125-1",
      title: "Phấn đấu có thêm 9 xã đạt chuẩn nông thôn mới",
      dueDate: "2022-12-31",
    });
    coordinatorToken = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    officerToken = await app.tokenFor(
      await makeUser(ds, { org: babeCommittee, roles: [Role.DISTRICT_OFFICER] }),
    );
    foreignToken = await app.tokenFor(
      await makeUser(ds, { org: foreignOrg, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (body: Buffer | string, token: string | null, query = "", type = XLSX) =>
    fetch(`${app.url}/plans/${planGid}/task-import${query}`, {
      method: "POST",
      headers: { "content-type": type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const counts = async () => {
    const [row] = await app.db.ds.query(
      `SELECT (SELECT COUNT(*) FROM task) t, (SELECT COUNT(*) FROM assignment) a,
              (SELECT COUNT(*) FROM assignment_event) e, (SELECT COUNT(*) FROM audit_entry) au,
              (SELECT COUNT(*) FROM task_unit) tu, (SELECT COUNT(*) FROM task_cooperator) tc`,
    );
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  };
  const httpError = async (res: Response) => {
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|SELECT|stack/);
    return body.errors[0];
  };

  it("offers a template: headers in Vietnamese and English, instructions, the lists, drop-downs", async () => {
    const anonymous = await fetch(`${app.url}/task-import/template.xlsx?planId=${planGid}`);
    expect(anonymous.status).toBe(401);
    const res = await fetch(`${app.url}/task-import/template.xlsx?planId=${planGid}`, {
      headers: { authorization: `Bearer ${coordinatorToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    expect(res.headers.get("content-disposition")).toContain("Mau-nhap-nhiem-vu-125-KH-UBND.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([TASKS_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET]);
    const ws = wb.getWorksheet(TASKS_SHEET)!;
    IMPORT_COLUMNS.forEach((c, i) => {
      expect(ws.getRow(1).getCell(i + 1).value).toBe(c.vi);
      expect(ws.getRow(2).getCell(i + 1).value).toBe(c.en + (c.required ? " *" : ""));
    });
    expect(ws.getCell("A3").dataValidation).toMatchObject({
      type: "list",
      formulae: ["'Danh mục'!$A$2:$A$4"],
    });
    expect(ws.getCell("E3").dataValidation).toMatchObject({ type: "list" });
    expect(ws.getCell("I3").dataValidation).toMatchObject({ type: "date" });
    const lists = wb.getWorksheet(LISTS_SHEET)!;
    expect([2, 3, 4].map((r) => lists.getRow(r).getCell(1).value)).toEqual([1, 2, 3]);
    expect(lists.getRow(2).getCell(2).value).toBe("Phấn đấu có thêm 9 xã đạt chuẩn nông thôn mới");
    const orgCodes = Array.from({ length: 10 }, (_, i) => lists.getRow(i + 2).getCell(4).value).filter(
      Boolean,
    );
    expect(orgCodes).toEqual(expect.arrayContaining(["VPDP", "SNN", "UBND-061", "UBND-064"]));
    expect(orgCodes).not.toContain("SCU"); // inactive
    expect(orgCodes).not.toContain("UBND-TN"); // another province
    const unitCodes = Array.from({ length: 10 }, (_, i) => lists.getRow(i + 2).getCell(7).value).filter(
      Boolean,
    );
    expect(unitCodes).toEqual(["06", "061", "064", "01879"]);
    const help = wb.getWorksheet(INSTRUCTIONS_SHEET)!;
    const helpText = help.getSheetValues().flat().join(" ");
    for (const c of IMPORT_COLUMNS) expect(helpText).toContain(c.help);
  });

  it("imports the filled template: tasks, sub-tasks, cooperators, units and assignments", async () => {
    const template = Buffer.from(
      await (
        await fetch(`${app.url}/task-import/template.xlsx?planId=${planGid}`, {
          headers: { authorization: `Bearer ${coordinatorToken}` },
        })
      ).arrayBuffer(),
    );
    const before = await counts();
    const body = await fill(
      [
        {
          group: 3,
          code: "125-3.1",
          title: "Xây dựng thôn Nà Ngò đạt chuẩn nông thôn mới",
          lead: "UBND-061",
          cooperating: "SNN; VPDP",
          units: "061, 01879",
          startDate: new Date(Date.UTC(2022, 2, 15)),
          dueDate: new Date(Date.UTC(2022, 11, 31)),
          quota: 12,
          quotaUnit: "thôn",
          description: "Ưu tiên các thôn đặc biệt khó khăn; báo cáo hằng quý.",
        },
        {
          parent: "125-3.1",
          title: "Hoàn thiện tiêu chí Giao thông ở thôn Nà Ngò",
          lead: "UBND-061",
          dueDate: "30/09/2022",
          quota: "4,5",
        },
        {
          group: 2,
          title: "Chợ Đồn: 1 xã đạt chuẩn NTM nâng cao",
          lead: "ubnd-064",
          units: "64",
          startDate: "2022-04-01",
          dueDate: "15/12/2022",
        },
      ],
      template,
    );
    const res = await post(body, coordinatorToken);
    expect(res.status).toBe(201);
    const result = (await res.json()) as ImportBody;
    expect(result).toMatchObject({ dryRun: false, imported: 3, errors: [] });
    expect(result.tasks.map((t) => [t.row, t.code])).toEqual([
      [3, "125-3.1"],
      [4, "125-3.1.1"],
      [5, "125-2.1"],
    ]);

    const repo = app.db.ds.getRepository(Task);
    const [first, child, third] = await Promise.all(
      result.tasks.map((t) => repo.findOneByOrFail({ code: t.code, planId: plan.id })),
    );
    expect(first).toMatchObject({
      groupId: groups[2].id,
      parentId: null,
      depth: 0,
      path: `/${first.id}/`,
      title: "Xây dựng thôn Nà Ngò đạt chuẩn nông thôn mới",
      description: "Ưu tiên các thôn đặc biệt khó khăn; báo cáo hằng quý.",
      leadOrgId: babeCommittee.id,
      startDate: "2022-03-15",
      dueDate: "2022-12-31",
      quota: "12.00",
      quotaUnit: "thôn",
      status: "assigned",
    });
    expect(child).toMatchObject({
      groupId: groups[2].id,
      parentId: first.id,
      depth: 1,
      path: `/${first.id}/${child.id}/`,
      title: "Hoàn thiện tiêu chí Giao thông ở thôn Nà Ngò",
      dueDate: "2022-09-30",
      quota: "4.50",
      startDate: null,
    });
    expect(third).toMatchObject({
      groupId: groups[1].id,
      leadOrgId: chodonCommittee.id,
      dueDate: "2022-12-15",
    });

    const q = (sql: string, p: unknown[]) => app.db.ds.query(sql, p);
    expect(
      (await q("SELECT org_id FROM task_cooperator WHERE task_id = ? ORDER BY org_id", [first.id])).map(
        (r: { org_id: number }) => Number(r.org_id),
      ),
    ).toEqual([office.id, snn.id].sort((a, b) => a - b));
    expect(
      (await q("SELECT unit_id FROM task_unit WHERE task_id = ? ORDER BY unit_id", [first.id])).map(
        (r: { unit_id: number }) => Number(r.unit_id),
      ),
    ).toEqual([babe.id, commune.id]);
    // No units given: the lead's own unit. A code typed as a number (64) still finds 064.
    expect(Number((await q("SELECT unit_id FROM task_unit WHERE task_id = ?", [child.id]))[0].unit_id)).toBe(
      babe.id,
    );
    expect(Number((await q("SELECT unit_id FROM task_unit WHERE task_id = ?", [third.id]))[0].unit_id)).toBe(
      chodon.id,
    );

    const assignments: Array<{
      task_id: number;
      org_id: number;
      role: string;
      status: string;
      due: string;
      assigner_org_id: number;
    }> = await q(
      "SELECT task_id, org_id, role, status, DATE_FORMAT(due_date, '%Y-%m-%d') due, assigner_org_id FROM assignment WHERE task_id IN (?) ORDER BY task_id, role DESC, org_id",
      [[first.id, child.id, third.id]],
    );
    expect(
      assignments.map((a) => [
        Number(a.task_id),
        Number(a.org_id),
        a.role,
        a.status,
        a.due,
        Number(a.assigner_org_id),
      ]),
    ).toEqual([
      [first.id, babeCommittee.id, "lead", "assigned", "2022-12-31", office.id],
      ...[office.id, snn.id]
        .sort((a, b) => a - b)
        .map((o) => [first.id, o, "cooperating", "assigned", "2022-12-31", office.id]),
      // The sub-task is given by its parent's lead.
      [child.id, babeCommittee.id, "lead", "assigned", "2022-09-30", babeCommittee.id],
      [third.id, chodonCommittee.id, "lead", "assigned", "2022-12-15", office.id],
    ]);
    const after = await counts();
    expect(after.t - before.t).toBe(3);
    expect(after.a - before.a).toBe(5);
    expect(after.e - before.e).toBe(5);
    expect(after.au - before.au).toBe(4);
    const audits: Array<{ action: string; object_id: number }> = await q(
      "SELECT action, object_id FROM audit_entry WHERE action IN ('task.import', 'plan.importTasks') ORDER BY id",
      [],
    );
    expect(audits.map((a) => [a.action, Number(a.object_id)])).toEqual([
      ["task.import", first.id],
      ["task.import", child.id],
      ["task.import", third.id],
      ["plan.importTasks", plan.id],
    ]);
    // Reminders were scheduled after commit for the new assignments.
    const ids = (
      await q("SELECT id FROM assignment WHERE task_id IN (?)", [[first.id, child.id, third.id]])
    ).map((r: { id: number }) => Number(r.id));
    const jobs = await app.server.reminderQueue.getJobs([
      "waiting",
      "delayed",
      "prioritized",
      "active",
      "completed",
    ]);
    const reminded = new Set(jobs.map((j) => (j.data as { assignmentId?: number }).assignmentId));
    expect(ids.every((id: number) => reminded.has(id))).toBe(true);

    // The tasks read back over GraphQL, Vietnamese intact.
    const read = await app.gqlAs<{ node: { title: string; code: string } }>(
      coordinatorToken,
      `query($id: ID!) { node(id: $id) { ... on Task { title code } } }`,
      { id: result.tasks[0].id },
    );
    expect(read.data!.node).toEqual({
      title: "Xây dựng thôn Nà Ngò đạt chuẩn nông thôn mới",
      code: "125-3.1",
    });
  });

  it("reports every bad row with its number and reason, and imports nothing", async () => {
    const before = await counts();
    const good = { group: 1, lead: "SNN", dueDate: "31/12/2022" };
    const body = await fill([
      { ...good, title: "Nhiệm vụ tốt số một", code: "X-1" }, // 3: good
      { ...good, title: "Đơn vị lạ", lead: "KHONG-CO" }, // 4
      { ...good, title: "Nhóm lạ", group: 9 }, // 5
      { ...good, title: "Ngày sai", dueDate: "31/02/2022" }, // 6
      { ...good, title: "Hạn trước ngày bắt đầu", startDate: "01/10/2022", dueDate: "01/09/2022" }, // 7
      { ...good, title: "Nhiệm vụ tốt số một" }, // 8: same task as row 3
      { ...good, title: "Số hiệu trùng", code: "x-1" }, // 9: same number as row 3
      { ...good, title: "Phấn đấu có thêm 9 xã đạt chuẩn nông thôn mới" }, // 10: already in the plan
      { ...good, title: "Số hiệu đã có", code: "125-1" }, // 11
      { ...good, title: "   " }, // 12: empty title
      { ...good, title: "Đơn vị tỉnh khác", cooperating: "SNN;UBND-TN", units: "19" }, // 13
      { ...good, title: "Đơn vị đã giải thể", lead: "SCU" }, // 14
      { ...good, title: "Hạn đã qua", dueDate: "01/01/2022" }, // 15
      { ...good, title: "Công thức", quota: { formula: "1+1" } }, // 16
      { ...good, title: "Cha không có", parent: "KHONG-CO", group: null }, // 17
      { ...good, title: "Thiếu hạn", dueDate: null }, // 18
      { ...good, title: "Chỉ tiêu âm", quota: -3 }, // 19
      { ...good, title: "Ngày kiểu số", dueDate: 44926 }, // 20
    ]);
    const res = await post(body, coordinatorToken);
    expect(res.status).toBe(422);
    const result = (await res.json()) as ImportBody;
    expect(result.imported).toBe(0);
    expect(result.tasks).toEqual([]);
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [4, "E", "UNKNOWN_ORGANIZATION"],
      [5, "A", "UNKNOWN_GROUP"],
      [6, "I", "BAD_DATE"],
      [7, "I", "DUE_BEFORE_START"],
      [8, "C", "DUPLICATE_IN_FILE"],
      [9, "B", "DUPLICATE_IN_FILE"],
      [10, "C", "ALREADY_IN_PLAN"],
      [11, "B", "ALREADY_IN_PLAN"],
      [12, "C", "EMPTY_TITLE"],
      [13, "F", "ORGANIZATION_OUT_OF_SCOPE"],
      [13, "G", "UNIT_OUT_OF_SCOPE"],
      [14, "E", "INACTIVE_ORGANIZATION"],
      [15, "I", "DATE_IN_PAST"],
      [16, "J", "FORMULA"],
      [17, "D", "UNKNOWN_PARENT"],
      [18, "I", "REQUIRED"],
      [19, "J", "BAD_NUMBER"],
      [20, "I", "BAD_DATE"],
    ]);
    expect(result.errors.find((e) => e.row === 8)!.message).toBe("The same task is already on row 3");
    expect(result.errors.find((e) => e.row === 4)!.message).toBe("No organization has the code KHONG-CO");
    expect(await counts()).toEqual(before);
  });

  it("dry run validates only", async () => {
    const before = await counts();
    const body = await fill([
      { group: 1, title: "Thử nghiệm chạy thử", lead: "SNN", dueDate: "30/11/2022" },
      { group: 1, title: "Thử nghiệm chạy thử 2", lead: "VPDP", dueDate: "30/11/2022" },
    ]);
    const res = await post(body, coordinatorToken, "?dryRun=1");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      dryRun: true,
      imported: 0,
      tasks: [
        { row: 3, id: null, code: "125-1.1", title: "Thử nghiệm chạy thử" },
        { row: 4, id: null, code: "125-1.2", title: "Thử nghiệm chạy thử 2" },
      ],
      errors: [],
    });
    const bad = await post(
      await fill([{ group: 7, title: "x", lead: "SNN", dueDate: "30/11/2022" }]),
      coordinatorToken,
      "?dryRun=1",
    );
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as ImportBody).errors.map((e) => e.code)).toEqual(["UNKNOWN_GROUP"]);
    expect(await counts()).toEqual(before);
  });

  it("lets only the plan's coordinators and administrators import", async () => {
    const before = await counts();
    const body = await fill([{ group: 1, title: "Quyền nhập", lead: "SNN", dueDate: "30/11/2022" }]);
    const anonymous = await post(body, null);
    expect(anonymous.status).toBe(401);
    expect((await httpError(anonymous)).extensions.code).toBe("UNAUTHENTICATED");
    for (const token of [officerToken, foreignToken]) {
      const res = await post(body, token);
      expect(res.status).toBe(403);
      expect(await httpError(res)).toEqual({
        message: "Only the plan's coordinators may import its tasks",
        extensions: { code: "FORBIDDEN" },
      });
    }
    const missing = await fetch(`${app.url}/plans/${toGlobalId("Plan", 999999)}/task-import`, {
      method: "POST",
      headers: { "content-type": XLSX, authorization: `Bearer ${coordinatorToken}` },
      body,
    });
    expect(missing.status).toBe(404);
    const wrongMethod = await fetch(`${app.url}/plans/${planGid}/task-import`, {
      headers: { authorization: `Bearer ${coordinatorToken}` },
    });
    expect(wrongMethod.status).toBe(405);
    expect(await counts()).toEqual(before);
    const admin = await post(body, await app.tokenFor(app.admin), "?dryRun=true");
    expect(admin.status).toBe(200);
  });

  it("refuses files that are not workbooks, too big, bombs, formulas, wrong headers, too many rows", async () => {
    const before = await counts();
    const expectRefused = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect((await httpError(res)).extensions.code).toBe(code);
    };
    await expectRefused(
      await post(Buffer.from("%PDF-1.4 not a workbook"), coordinatorToken),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    await expectRefused(
      await post(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), coordinatorToken),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    await expectRefused(
      await post(await fill([]), coordinatorToken, "", "text/plain"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    await expectRefused(await post(Buffer.alloc(0), coordinatorToken), 400, "BAD_REQUEST");
    await expectRefused(
      await post(Buffer.alloc(6 * 1024 * 1024, 1), coordinatorToken),
      413,
      "PAYLOAD_TOO_LARGE",
    );

    // A zip that is not a workbook (a .docx, say).
    const docx = new JSZip();
    docx.file("[Content_Types].xml", "<Types/>");
    docx.file("word/document.xml", "<w:document/>");
    await expectRefused(
      await post(await docx.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }), coordinatorToken),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );

    // A zip bomb: 30 MB of one character, compressed to a few tens of kilobytes.
    const good = await fill([{ group: 1, title: "Bom", lead: "SNN", dueDate: "30/11/2022" }]);
    const bomb = await JSZip.loadAsync(good);
    bomb.file("xl/worksheets/sheet9.xml", "a".repeat(30 * 1024 * 1024));
    const bombBytes = await bomb.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    expect(bombBytes.length).toBeLessThan(1024 * 1024);
    await expectRefused(await post(bombBytes, coordinatorToken), 413, "PAYLOAD_TOO_LARGE");

    // A bomb that lies about its size: the directory declares 100 bytes for a 2 MB part.
    const liar = await JSZip.loadAsync(good);
    liar.file("xl/big.xml", "b".repeat(2 * 1024 * 1024));
    const liarBytes = await liar.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    const name = Buffer.from("xl/big.xml");
    for (let i = 0; i < liarBytes.length - 4; i++) {
      if (
        liarBytes.readUInt32LE(i) === 0x02014b50 &&
        liarBytes.subarray(i + 46, i + 46 + name.length).equals(name)
      ) {
        liarBytes.writeUInt32LE(100, i + 24);
      }
    }
    await expectRefused(await post(liarBytes, coordinatorToken), 413, "PAYLOAD_TOO_LARGE");

    // A named range over a whole sheet: exceljs would walk every cell of it.
    const named = await JSZip.loadAsync(good);
    const wbXml = await named.file("xl/workbook.xml")!.async("string");
    named.file(
      "xl/workbook.xml",
      wbXml
        .replace(
          /<\/sheets>/,
          `</sheets><definedNames><definedName name="all">'${TASKS_SHEET}'!$A$1:$XFD$1048576</definedName></definedNames>`,
        )
        .replace(/<definedNames\/>/, ""),
    );
    await expectRefused(
      await post(await named.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }), coordinatorToken),
      413,
      "PAYLOAD_TOO_LARGE",
    );

    // A damaged archive.
    await expectRefused(
      await post(good.subarray(0, good.length - 30), coordinatorToken),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );

    // Workbooks that read but are not the task table.
    const headerless = new ExcelJS.Workbook();
    headerless.addWorksheet(TASKS_SHEET).getRow(1).values = ["Nhóm", "Tên"];
    let res = await post(Buffer.from(await headerless.xlsx.writeBuffer()), coordinatorToken);
    expect(res.status).toBe(422);
    let body = (await res.json()) as ImportBody;
    expect(body.errors[0]).toMatchObject({ row: 1, column: "A", code: "BAD_HEADER" });

    const shifted = new ExcelJS.Workbook();
    await shifted.xlsx.load((await fill([])) as unknown as ArrayBuffer);
    shifted.getWorksheet(TASKS_SHEET)!.getRow(2).values = [1, null, "Nhiệm vụ ở dòng 2", null, "SNN"];
    res = await post(Buffer.from(await shifted.xlsx.writeBuffer()), coordinatorToken);
    expect(res.status).toBe(422);
    body = (await res.json()) as ImportBody;
    expect(body.errors).toEqual([
      {
        row: 2,
        column: "A",
        code: "BAD_HEADER",
        message: "Row 2 holds the English headers; tasks start on row 3",
      },
    ]);

    const many = await fill(
      Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => ({
        group: 1,
        title: `Nhiệm vụ ${i}`,
        lead: "SNN",
        dueDate: "30/11/2022",
      })),
    );
    res = await post(many, coordinatorToken);
    expect(res.status).toBe(422);
    body = (await res.json()) as ImportBody;
    expect(body.errors).toEqual([
      {
        row: null,
        column: null,
        code: "TOO_MANY_ROWS",
        message: expect.stringContaining(`${MAX_IMPORT_ROWS}`),
      },
    ]);

    res = await post(await fill([]), coordinatorToken);
    expect(res.status).toBe(422);
    expect(((await res.json()) as ImportBody).errors[0].code).toBe("NO_ROWS");
    expect(await counts()).toEqual(before);
  });

  it("reports cells of the wrong type", async () => {
    const before = await counts();
    const res = await post(
      await fill([
        { group: "ba" as unknown as number, title: "Nhóm chữ", lead: "SNN", dueDate: "30/11/2022" },
        { group: 1, title: true as unknown as string, lead: "SNN", dueDate: "30/11/2022" },
        { group: 1, title: "Lỗi Excel", lead: { error: "#N/A" } as unknown as string, dueDate: "30/11/2022" },
        { group: 1, title: "Ngày chữ", lead: "SNN", dueDate: "hôm qua" },
      ]),
      coordinatorToken,
    );
    expect(res.status).toBe(422);
    expect(((await res.json()) as ImportBody).errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, "A", "WRONG_TYPE"],
      [4, "C", "WRONG_TYPE"],
      [5, "E", "WRONG_TYPE"],
      [6, "I", "BAD_DATE"],
    ]);
    expect(await counts()).toEqual(before);
  });

  it("refuses a sheet of tens of thousands of rows before building it", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await fill([
        { group: 1, title: "Một", lead: "SNN", dueDate: "30/11/2022" },
      ])) as unknown as ArrayBuffer,
    );
    const other = wb.addWorksheet("Khác");
    for (let r = 1; r <= 21_000; r++) other.getRow(r).getCell(1).value = r;
    const res = await post(Buffer.from(await wb.xlsx.writeBuffer()), coordinatorToken);
    expect(res.status).toBe(422);
    expect(((await res.json()) as ImportBody).errors.map((e) => e.code)).toEqual(["TOO_MANY_ROWS"]);
  });

  it("numbers tasks once when two imports of the same file race", async () => {
    const before = await counts();
    const body = await fill([
      { group: 2, title: "Nhiệm vụ chạy đua một", lead: "SNN", dueDate: "30/11/2022" },
      { group: 2, title: "Nhiệm vụ chạy đua hai", lead: "VPDP", dueDate: "30/11/2022" },
    ]);
    const results = await Promise.all([post(body, coordinatorToken), post(body, coordinatorToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    const loser = (await results.find((r) => r.status === 422)!.json()) as ImportBody;
    expect(loser.errors.map((e) => [e.row, e.code])).toEqual([
      [3, "ALREADY_IN_PLAN"],
      [4, "ALREADY_IN_PLAN"],
    ]);
    const after = await counts();
    expect(after.t - before.t).toBe(2);
    expect(after.a - before.a).toBe(2);
  });

  it("keeps Vietnamese text exactly, in NFC, through a workbook written in NFD", async () => {
    const nfd = "Hỗ trợ đồng bào dân tộc thiểu số ở Bằng Vân, Ngân Sơn".normalize("NFD");
    const res = await post(
      await fill([{ group: 3, title: nfd, lead: "SNN", dueDate: "30/11/2022", quotaUnit: "hộ" }]),
      coordinatorToken,
    );
    expect(res.status).toBe(201);
    const result = (await res.json()) as ImportBody;
    const [row] = await app.db.ds.query("SELECT title, quota_unit, HEX(title) h FROM task WHERE code = ?", [
      result.tasks[0].code,
    ]);
    expect(row.title).toBe(nfd.normalize("NFC"));
    expect(row.quota_unit).toBe("hộ");
    expect(Buffer.from(row.h, "hex").toString("utf8")).toBe(nfd.normalize("NFC"));
  });
});
