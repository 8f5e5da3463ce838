import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import { parseGlobalId, toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Task } from "../../src/tasks/task.entity";
import { TaskStatus } from "../../src/tasks/task.enums";
import type { Assignment } from "../../src/workflow/assignment.entity";
import { ReportingPeriod, ReportingPeriodKind } from "../../src/workflow/report.entity";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { setEnv } from "../helpers/jwks";
import { startTestApp, type TestApp } from "../helpers/server";

type UE = Array<{ code: string; field: string[]; message: string }>;
interface ReportView {
  id: string;
  version: number;
  status: string;
  percent: string;
  isFinal: boolean;
  narrative: string;
  reviewComment: string | null;
  figures: Array<{ metric: string; value: string; measureUnit: string | null }>;
  attachments: Array<{ id: string; fileName: string; sha256: string; downloadUrl: string }>;
  assignment: { id: string };
}
interface AssignmentView {
  id: string;
  status: string;
  progress: string;
  version: number;
  completedOn: string | null;
  task: { status: string; progress: string };
}
interface Payload {
  report: ReportView | null;
  assignment: AssignmentView | null;
  userErrors: UE;
}

const REPORT_FIELDS = `report { id version status percent isFinal narrative reviewComment
  figures { metric value measureUnit } attachments { id fileName sha256 downloadUrl } assignment { id } }
  assignment { id status progress version completedOn task { status progress } }
  userErrors { code field message }`;
const SUBMIT = `mutation($input: SubmitReportInput!) { submitReport(input: $input) { ${REPORT_FIELDS} } }`;
const REVIEW = `mutation($input: ReviewReportInput!) { reviewReport(input: $input) { ${REPORT_FIELDS} } }`;

const MAX_BYTES = 64 * 1024;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(3000), Buffer.from("\n%%EOF\n")]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);
const PDF_NAME = "Biên bản kiểm tra thôn Nà Lẹng (đợt 1) – Chợ Đồn.pdf";

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: () => { errors?: Array<{ message: string; extensions: { code: string } }> } & Record<string, unknown>;
}

/** All files below `dir`, temporary ones included. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe("progress reports, evidence and their review", () => {
  let app: TestApp;
  let dir: string;
  let restoreEnv: () => void;
  let plan: Plan;
  let district: Organization;
  let commune: Organization;
  let sibling: Organization;
  let parent: Task;
  let child: Task;
  let parentLead: Assignment;
  let lead: Assignment;
  let siblingLead: Assignment;
  let cancelled: Assignment;
  let other: Assignment;
  const users: Record<"district" | "commune" | "sibling" | "coordinator", User> = {} as never;
  const tokens: Record<string, string> = {};
  const uploaded: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "ntm-attachments-"));
    restoreEnv = setEnv({ ATTACHMENTS_DIR: dir, ATTACHMENT_MAX_BYTES: String(MAX_BYTES) });
    app = await startTestApp({ now: new Date("2022-06-15T03:00:00Z") });
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 2, 1, "Báo cáo");
    const ubndTinh = await makeOrg(ds, { unit: tree.province, name: "UBND tỉnh" });
    const office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    district = await makeOrg(ds, { unit: tree.districts[0] });
    commune = await makeOrg(ds, { unit: tree.communes[0][0] });
    sibling = await makeOrg(ds, { unit: tree.communes[0][1] });
    plan = await makePlan(ds, { scope: tree.province });
    const root = await makeTask(ds, { plan, lead: office, code: "B3", quota: "60", quotaUnit: "thôn" });
    await makeAssignment(ds, { task: root, org: office, assigner: ubndTinh });
    parent = await makeTask(ds, {
      plan,
      parent: root,
      lead: district,
      code: "B3.1",
      quota: "20",
      units: [tree.districts[0]],
      status: TaskStatus.ACCEPTED,
    });
    parentLead = await makeAssignment(ds, { task: parent, org: district, assigner: office });
    child = await makeTask(ds, {
      plan,
      parent,
      lead: commune,
      code: "B3.1.1",
      quota: "12",
      units: [tree.communes[0][0]],
      dueDate: "2022-12-31",
      status: TaskStatus.ACCEPTED,
    });
    lead = await makeAssignment(ds, { task: child, org: commune, assigner: district });
    const siblingTask = await makeTask(ds, {
      plan,
      parent,
      lead: sibling,
      code: "B3.1.2",
      quota: "8",
      units: [tree.communes[0][1]],
      status: TaskStatus.ACCEPTED,
    });
    siblingLead = await makeAssignment(ds, { task: siblingTask, org: sibling, assigner: district });
    const dropped = await makeTask(ds, {
      plan,
      lead: commune,
      code: "B9",
      units: [tree.communes[0][0]],
      status: TaskStatus.CANCELLED,
    });
    const second = await makeTask(ds, {
      plan,
      lead: commune,
      code: "B5",
      units: [tree.communes[0][0]],
      status: TaskStatus.ACCEPTED,
    });
    other = await makeAssignment(ds, { task: second, org: commune, assigner: district });
    cancelled = await makeAssignment(ds, {
      task: dropped,
      org: commune,
      assigner: district,
      status: "cancelled",
    });
    await ds.getRepository(ReportingPeriod).insert([
      {
        planId: plan.id,
        kind: ReportingPeriodKind.QUARTERLY,
        periodStart: "2022-04-01",
        periodEnd: "2022-06-30",
        dueDate: "2022-07-05",
      },
      {
        planId: plan.id,
        kind: ReportingPeriodKind.MONTHLY,
        periodStart: "2022-06-01",
        periodEnd: "2022-06-30",
        dueDate: "2022-07-03",
      },
    ]);
    users.coordinator = await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] });
    users.district = await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] });
    users.commune = await makeUser(ds, { org: commune, roles: [Role.COMMUNE_OFFICER] });
    users.sibling = await makeUser(ds, { org: sibling, roles: [Role.COMMUNE_OFFICER] });
    await signIn();
  });
  afterAll(async () => {
    await app?.close();
    restoreEnv?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Fresh tokens (after the clock moves past their 15 minutes). */
  async function signIn() {
    for (const [k, u] of Object.entries(users)) tokens[k] = await app.tokenFor(u);
  }

  /** A raw HTTP request; `chunked` sends the body without Content-Length. */
  function request(opts: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
  }): Promise<HttpAnswer> {
    const { port } = new URL(app.url);
    return new Promise((resolve, reject) => {
      let answered = false;
      const headers = { ...opts.headers };
      if (opts.body && !opts.chunked) headers["content-length"] = String(opts.body.length);
      const req = http.request({ host: "127.0.0.1", port, method: opts.method, path: opts.path, headers });
      req.on("response", (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body.toString()),
          });
        });
      });
      // The server closes the connection on a refused body: the rest of the upload then fails to send.
      req.on("error", (err) => {
        if (!answered) reject(err);
      });
      if (!opts.body) return void req.end();
      if (!opts.chunked) return void req.end(opts.body);
      let at = 0;
      const pump = () => {
        while (at < opts.body!.length) {
          const piece = opts.body!.subarray(at, at + 16 * 1024);
          at += piece.length;
          if (!req.write(piece)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
  }

  const upload = (
    token: string | null,
    body: Buffer,
    type: string | null,
    name: string | null,
    chunked = false,
  ) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (type) headers["content-type"] = type;
    if (name !== null) headers["x-file-name"] = name;
    return request({ method: "POST", path: "/attachments", headers, body, chunked });
  };
  const download = (token: string | null, gid: string) =>
    request({
      method: "GET",
      path: `/attachments/${gid}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  const submit = (token: string, input: Record<string, unknown>) =>
    app.gqlAs<{ submitReport: Payload }>(token, SUBMIT, {
      input: {
        periodKind: "MONTHLY",
        periodStart: "2022-06-01",
        periodEnd: "2022-06-30",
        narrative: "Đã hoàn thành bê tông hóa 1,25 km đường thôn.",
        ...input,
      },
    });
  const review = (token: string, input: Record<string, unknown>) =>
    app.gqlAs<{ reviewReport: Payload }>(token, REVIEW, { input });
  const version = async (a: Assignment) =>
    Number((await app.db.ds.query("SELECT version FROM assignment WHERE id = ?", [a.id]))[0].version);
  const progressOf = async (t: Task) =>
    (await app.db.ds.query("SELECT progress, status FROM task WHERE id = ?", [t.id]))[0] as {
      progress: string;
      status: string;
    };
  /** Everything a refused report could have touched. */
  const world = async () => ({
    counts: (
      await app.db.ds.query(
        `SELECT (SELECT COUNT(*) FROM progress_report) r, (SELECT COUNT(*) FROM report_figure) f,
                (SELECT COUNT(*) FROM attachment) at, (SELECT COUNT(*) FROM attachment WHERE report_id IS NOT NULL) claimed,
                (SELECT COUNT(*) FROM assignment_event) e, (SELECT COUNT(*) FROM audit_entry) au`,
      )
    )[0],
    assignments: await app.db.ds.query(
      "SELECT id, status, progress, version, completed_on FROM assignment ORDER BY id",
    ),
    tasks: await app.db.ds.query("SELECT id, status, progress, version FROM task ORDER BY id"),
    reports: await app.db.ds.query("SELECT id, status, version FROM progress_report ORDER BY id"),
  });
  const stored = async () => ({
    files: filesUnder(dir).length,
    rows: Number((await app.db.ds.query("SELECT COUNT(*) n FROM attachment"))[0].n),
  });

  it("stores an uploaded PDF with a Vietnamese name: its SHA-256 is the body's and the name round-trips", async () => {
    const r = await upload(tokens.commune, PDF, "application/pdf", encodeURIComponent(PDF_NAME));
    expect(r.status).toBe(201);
    const body = r.json() as {
      id: string;
      sha256: string;
      sizeBytes: number;
      fileName: string;
      contentType: string;
    };
    expect(body).toEqual({
      id: expect.any(String),
      sha256: sha256(PDF),
      sizeBytes: PDF.length,
      fileName: PDF_NAME,
      contentType: "application/pdf",
    });
    expect(r.headers.location).toBe(`/attachments/${body.id}`);
    uploaded.pdf = body.id;
    const id = parseGlobalId(body.id);
    expect(id?.type).toBe("Attachment");
    const [row] = await app.db.ds.query("SELECT * FROM attachment WHERE id = ?", [id!.id]);
    expect(row).toMatchObject({
      report_id: null,
      file_name: PDF_NAME,
      content_type: "application/pdf",
      size_bytes: PDF.length,
      sha256: sha256(PDF),
      uploaded_by_user_id: users.commune.id,
      uploaded_by_org_id: commune.id,
    });
    expect(row.storage_key).toMatch(new RegExp(`^${sha256(PDF).slice(0, 2)}/[0-9a-f-]{36}$`));
    expect(sha256(readFileSync(path.join(dir, row.storage_key)))).toBe(sha256(PDF));

    // Plain UTF-8 text and an Office file are accepted too.
    const text = Buffer.from("Danh sách hộ gia đình tham gia hiến đất làm đường.\n", "utf8");
    const t = await upload(
      tokens.commune,
      text,
      "text/plain; charset=utf-8",
      encodeURIComponent("Danh sách.txt"),
    );
    expect([t.status, t.json().sha256]).toEqual([201, sha256(text)]);
    uploaded.text = t.json().id as string;
    const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(200)]);
    const d = await upload(
      tokens.commune,
      docx,
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      encodeURIComponent("Tờ trình.docx"),
    );
    expect(d.status).toBe(201);
    uploaded.docx = d.json().id as string;
  });

  it("refuses uploads it must not keep, with a stable code each, and keeps nothing of them", async () => {
    const before = await stored();
    const name = encodeURIComponent("minh chứng.pdf");
    const big = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(MAX_BYTES)]);
    const cases: Array<[string, () => Promise<HttpAnswer>, number, string]> = [
      ["no token", () => upload(null, PDF, "application/pdf", name), 401, "UNAUTHENTICATED"],
      ["a forged token", () => upload("x".repeat(40), PDF, "application/pdf", name), 401, "UNAUTHENTICATED"],
      [
        "too large (Content-Length)",
        () => upload(tokens.commune, big, "application/pdf", name),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "too large (streamed)",
        () => upload(tokens.commune, Buffer.concat([big, big]), "application/pdf", name, true),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "a forbidden type",
        () => upload(tokens.commune, PDF, "text/html", name),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      ["no type", () => upload(tokens.commune, PDF, null, name), 415, "UNSUPPORTED_MEDIA_TYPE"],
      [
        "a PNG called a PDF",
        () => upload(tokens.commune, PNG, "application/pdf", name),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "a PDF called a PNG",
        () => upload(tokens.commune, PDF, "image/png", name),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "text called a .docx",
        () =>
          upload(
            tokens.commune,
            Buffer.from("không phải tệp Word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            name,
          ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "text that is not UTF-8",
        () => upload(tokens.commune, Buffer.from([0x42, 0xe1, 0xba, 0x28, 0x43]), "text/plain", name),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "text with a NUL",
        () => upload(tokens.commune, Buffer.from("a\u0000b"), "text/plain", name),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "text in another charset",
        () => upload(tokens.commune, Buffer.from("abc"), "text/plain; charset=windows-1258", name),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      ["no file name", () => upload(tokens.commune, PDF, "application/pdf", null), 400, "BAD_REQUEST"],
      [
        "a path in the name",
        () => upload(tokens.commune, PDF, "application/pdf", encodeURIComponent("../../etc/passwd")),
        400,
        "BAD_REQUEST",
      ],
      ["a backslash", () => upload(tokens.commune, PDF, "application/pdf", "a%5Cb.pdf"), 400, "BAD_REQUEST"],
      [
        "a broken escape",
        () => upload(tokens.commune, PDF, "application/pdf", "b%E1%BA.pdf"),
        400,
        "BAD_REQUEST",
      ],
      [
        "256 characters",
        () => upload(tokens.commune, PDF, "application/pdf", encodeURIComponent(`${"ả".repeat(252)}.pdf`)),
        400,
        "BAD_REQUEST",
      ],
      [
        "an empty file",
        () => upload(tokens.commune, Buffer.alloc(0), "application/pdf", name),
        400,
        "BAD_REQUEST",
      ],
    ];
    for (const [what, send, status, code] of cases) {
      const r = await send();
      expect([what, r.status, r.json().errors?.[0].extensions]).toEqual([what, status, { code }]);
      expect(r.body.toString()).not.toContain(dir);
      expect(r.body.toString()).not.toMatch(/ at |node_modules|SQL/);
    }
    expect(await stored()).toEqual(before);
    // 255 characters is fine.
    const longest = `${"ả".repeat(251)}.pdf`;
    const ok = await upload(tokens.commune, PDF, "application/pdf", encodeURIComponent(longest));
    expect([ok.status, ok.json().fileName]).toEqual([201, longest]);
  });

  it("takes a report with figures and evidence; the assignment, its task and the parent (quota-weighted) follow", async () => {
    const r = await submit(tokens.commune, {
      assignmentId: toGlobalId("Assignment", lead.id),
      version: await version(lead),
      percent: "40",
      figures: [
        { metric: "villages_recognized", value: "3", measureUnit: "thôn" },
        { metric: "road_km", value: "1.25", measureUnit: "km" },
      ],
      attachmentIds: [uploaded.pdf, uploaded.text],
    });
    expect(r.errors).toBeUndefined();
    const p = r.data!.submitReport;
    expect(p.userErrors).toEqual([]);
    expect(p.report).toMatchObject({
      status: "SUBMITTED",
      percent: "40",
      isFinal: false,
      version: 1,
      figures: [
        { metric: "villages_recognized", value: "3", measureUnit: "thôn" },
        { metric: "road_km", value: "1.25", measureUnit: "km" },
      ],
      assignment: { id: toGlobalId("Assignment", lead.id) },
    });
    expect(p.report!.attachments).toEqual([
      {
        id: uploaded.pdf,
        fileName: PDF_NAME,
        sha256: sha256(PDF),
        downloadUrl: `/attachments/${uploaded.pdf}`,
      },
      expect.objectContaining({ id: uploaded.text, fileName: "Danh sách.txt" }),
    ]);
    expect(p.assignment).toMatchObject({
      status: "IN_PROGRESS",
      progress: "40",
      version: 2,
      task: { status: "IN_PROGRESS", progress: "40" },
    });
    // The report falls in the plan's monthly period.
    const [row] = await app.db.ds.query(
      "SELECT rp.kind FROM progress_report r JOIN reporting_period rp ON rp.id = r.period_id WHERE r.id = ?",
      [parseGlobalId(p.report!.id)!.id],
    );
    expect(row.kind).toBe("monthly");
    // 12 of the parent's 20 at 40%, 8 at 0%.
    expect(await progressOf(parent)).toMatchObject({ progress: "24.00" });
    const s = await submit(tokens.sibling, {
      assignmentId: toGlobalId("Assignment", siblingLead.id),
      version: await version(siblingLead),
      percent: "50",
    });
    expect(s.data!.submitReport.userErrors).toEqual([]);
    expect(await progressOf(parent)).toMatchObject({ progress: "44.00" }); // (12 × 40 + 8 × 50) / 20
    const [pl] = await app.db.ds.query("SELECT progress FROM assignment WHERE id = ?", [parentLead.id]);
    expect(pl.progress).toBe("44.00");
  });

  it("refuses bad reports with typed errors and changes nothing", async () => {
    const foreign = await upload(tokens.sibling, PDF, "application/pdf", encodeURIComponent("xã bên.pdf"));
    expect(foreign.status).toBe(201);
    const before = await world();
    const current = await version(lead);
    const own = { assignmentId: toGlobalId("Assignment", lead.id), version: current, percent: "60" };
    const cases: Array<[string, string, Record<string, unknown>, string, string[]]> = [
      [
        "a cancelled assignment",
        "commune",
        { ...own, assignmentId: toGlobalId("Assignment", cancelled.id), version: await version(cancelled) },
        "ILLEGAL_TRANSITION",
        ["input", "assignmentId"],
      ],
      [
        "someone else's attachment",
        "commune",
        { ...own, attachmentIds: [foreign.json().id] },
        "NOT_FOUND",
        ["input", "attachmentIds", "0"],
      ],
      [
        "an attachment already reported",
        "commune",
        { ...own, attachmentIds: [uploaded.docx, uploaded.pdf] },
        "BAD_USER_INPUT",
        ["input", "attachmentIds", "1"],
      ],
      ["percent 101", "commune", { ...own, percent: "101" }, "BAD_USER_INPUT", ["input", "percent"]],
      ["percent -1", "commune", { ...own, percent: "-1" }, "BAD_USER_INPUT", ["input", "percent"]],
      ["a stale version", "commune", { ...own, version: current - 1 }, "CONFLICT", ["input", "version"]],
      ["the assigner", "district", own, "FORBIDDEN", ["input", "assignmentId"]],
      ["a sibling commune", "sibling", own, "NOT_FOUND", ["input", "assignmentId"]],
      [
        "a bad metric",
        "commune",
        { ...own, figures: [{ metric: "Villages", value: "1" }] },
        "BAD_USER_INPUT",
        ["input", "figures", "0", "metric"],
      ],
      [
        "a negative figure",
        "commune",
        { ...own, figures: [{ metric: "villages", value: "-1" }] },
        "BAD_USER_INPUT",
        ["input", "figures", "0", "value"],
      ],
      [
        "a period backwards",
        "commune",
        { ...own, periodStart: "2022-07-01" },
        "BAD_USER_INPUT",
        ["input", "periodStart"],
      ],
      [
        "an empty narrative",
        "commune",
        { ...own, narrative: "  " },
        "BAD_USER_INPUT",
        ["input", "narrative"],
      ],
    ];
    for (const [what, who, input, code, field] of cases) {
      const r = await submit(tokens[who], input);
      expect(r.errors).toBeUndefined();
      const errors = r.data!.submitReport.userErrors;
      expect([what, errors.map((e) => [e.code, e.field])]).toEqual([what, [[code, field]]]);
      expect(r.data!.submitReport.report).toBeNull();
    }
    expect(await world()).toEqual(before);
  });

  it("lets one of concurrent reports win: a file goes to one report, a version to one writer", async () => {
    const file = await upload(tokens.commune, PDF, "application/pdf", encodeURIComponent("một tệp.pdf"));
    expect(file.status).toBe(201);
    const reports = async () =>
      Number((await app.db.ds.query("SELECT COUNT(*) n FROM progress_report"))[0].n);
    const before = await reports();
    const both = await Promise.all(
      [lead, other].map(async (a) =>
        submit(tokens.commune, {
          assignmentId: toGlobalId("Assignment", a.id),
          version: await version(a),
          percent: "45",
          attachmentIds: [file.json().id],
        }),
      ),
    );
    const outcomes = both.map((r) => r.data!.submitReport.userErrors.map((e) => e.code).join() || "OK");
    expect(outcomes.sort()).toEqual(["BAD_USER_INPUT", "OK"]);
    expect(await reports()).toBe(before + 1);
    const [claimedBy] = await app.db.ds.query(
      "SELECT COUNT(*) n FROM attachment WHERE id = ? AND report_id IS NOT NULL",
      [parseGlobalId(file.json().id as string)!.id],
    );
    expect(Number(claimedBy.n)).toBe(1);

    const v = await version(other);
    const racers = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        submit(tokens.commune, {
          assignmentId: toGlobalId("Assignment", other.id),
          version: v,
          percent: `${50 + i}`,
        }),
      ),
    );
    const codes = racers.map((r) => r.data!.submitReport.userErrors.map((e) => e.code).join() || "OK");
    expect(codes.sort()).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "OK"]);
    expect(await version(other)).toBe(v + 1);
    expect(await reports()).toBe(before + 2);
  });

  it("final report, returned with a comment, resubmitted, approved: the assignment and the task follow", async () => {
    const final = await submit(tokens.commune, {
      assignmentId: toGlobalId("Assignment", lead.id),
      version: await version(lead),
      percent: "100",
      final: true,
      attachmentIds: [uploaded.docx],
    });
    const f = final.data!.submitReport;
    expect(f.userErrors).toEqual([]);
    expect(f.report).toMatchObject({ isFinal: true, status: "SUBMITTED" });
    expect(f.assignment).toMatchObject({ status: "REPORTED", progress: "100", task: { status: "REPORTED" } });
    // Nothing more to report while it waits for approval.
    const again = await submit(tokens.commune, {
      assignmentId: toGlobalId("Assignment", lead.id),
      version: await version(lead),
      percent: "100",
    });
    expect(again.data!.submitReport.userErrors.map((e) => e.code)).toEqual(["ILLEGAL_TRANSITION"]);

    const before = await world();
    const refusals: Array<[string, Record<string, unknown>, string]> = [
      ["commune", { reportId: f.report!.id, version: 1, decision: "APPROVE" }, "FORBIDDEN"],
      ["sibling", { reportId: f.report!.id, version: 1, decision: "APPROVE" }, "NOT_FOUND"],
      ["district", { reportId: f.report!.id, version: 1, decision: "RETURN" }, "BAD_USER_INPUT"],
      [
        "district",
        { reportId: f.report!.id, version: 1, decision: "RETURN", comment: "   " },
        "BAD_USER_INPUT",
      ],
      ["district", { reportId: f.report!.id, version: 2, decision: "APPROVE" }, "CONFLICT"],
    ];
    for (const [who, input, code] of refusals) {
      const r = await review(tokens[who], input);
      expect([who, input, r.data!.reviewReport.userErrors.map((e) => e.code)]).toEqual([who, input, [code]]);
    }
    expect(await world()).toEqual(before);

    const returned = await review(tokens.district, {
      reportId: f.report!.id,
      version: 1,
      decision: "RETURN",
      comment: "Thiếu biên bản nghiệm thu của thôn Nà Lẹng",
    });
    const rt = returned.data!.reviewReport;
    expect(rt.userErrors).toEqual([]);
    expect(rt.report).toMatchObject({
      status: "RETURNED",
      version: 2,
      reviewComment: "Thiếu biên bản nghiệm thu của thôn Nà Lẹng",
    });
    expect(rt.assignment).toMatchObject({ status: "REWORK", task: { status: "IN_PROGRESS" } });
    const twice = await review(tokens.district, { reportId: f.report!.id, version: 2, decision: "APPROVE" });
    expect(twice.data!.reviewReport.userErrors.map((e) => e.code)).toEqual(["ILLEGAL_TRANSITION"]);

    const resubmitted = await submit(tokens.commune, {
      assignmentId: toGlobalId("Assignment", lead.id),
      version: rt.assignment!.version,
      percent: "100",
      final: true,
      narrative: "Đã bổ sung biên bản nghiệm thu.",
    });
    const rs = resubmitted.data!.submitReport;
    expect(rs.userErrors).toEqual([]);
    expect(rs.assignment!.status).toBe("REPORTED");

    // 01:30 on 1 July in Asia/Ho_Chi_Minh is still 30 June in UTC: the local date counts.
    app.clock.set(new Date("2022-06-30T18:30:00Z"));
    await signIn();
    const approved = await review(tokens.district, {
      reportId: rs.report!.id,
      version: 1,
      decision: "APPROVE",
    });
    const ap = approved.data!.reviewReport;
    expect(ap.userErrors).toEqual([]);
    expect(ap.report).toMatchObject({ status: "APPROVED", version: 2 });
    expect(ap.assignment).toMatchObject({
      status: "APPROVED",
      progress: "100",
      completedOn: "2022-07-01",
      task: { status: "DONE", progress: "100" },
    });
    expect(await progressOf(child)).toEqual({ progress: "100.00", status: "done" });
    expect(await progressOf(parent)).toMatchObject({ progress: "80.00" }); // (12 × 100 + 8 × 50) / 20

    const history = await app.gqlAs<{
      node: { history: Array<{ action: string; toStatus: string; comment: string | null }> };
    }>(
      tokens.district,
      `query($id: ID!) { node(id: $id) { ... on Assignment { history { action toStatus comment } } } }`,
      { id: toGlobalId("Assignment", lead.id) },
    );
    // Earlier progress reports come first (one or two: the race above may have given this
    // assignment the contested report); then the final round, in order.
    const steps = history.data!.node.history.map((h) => [h.action, h.toStatus]);
    const finalRound = steps.slice(-4);
    expect(finalRound).toEqual([
      ["report_final", "REPORTED"],
      ["send_back", "REWORK"],
      ["report_final", "REPORTED"],
      ["approve", "APPROVED"],
    ]);
    expect(steps.slice(0, -4).length).toBeGreaterThanOrEqual(1);
    expect(steps.slice(0, -4).every(([a, s]) => a === "report" && s === "IN_PROGRESS")).toBe(true);
    expect(history.data!.node.history.at(-3)!.comment).toBe("Thiếu biên bản nghiệm thu của thôn Nà Lẹng");
  });

  it("lists an assignment's reports newest first, in a constant number of statements", async () => {
    const q = `query($id: ID!) { task(id: $id) { assignments { reports { percent isFinal status
      figures { metric } attachments { fileName downloadUrl } assignment { id } } } } }`;
    const r = await app.gqlAs<{
      task: { assignments: Array<{ reports: Array<{ percent: string; isFinal: boolean; status: string }> }> };
    }>(tokens.district, q, { id: toGlobalId("Task", child.id) });
    expect(r.errors).toBeUndefined();
    const listed = r.data!.task.assignments[0].reports.map((x) => [x.percent, x.isFinal, x.status]);
    // The race above may have added a 45% report to this assignment too.
    const [{ n }] = await app.db.ds.query("SELECT COUNT(*) n FROM progress_report WHERE assignment_id = ?", [
      lead.id,
    ]);
    expect(listed).toHaveLength(Number(n));
    expect(listed.slice(0, 2)).toEqual([
      ["100", true, "APPROVED"],
      ["100", true, "RETURNED"],
    ]);
    expect(listed[listed.length - 1]).toEqual(["40", false, "SUBMITTED"]);
    const many = `{ tasks(first: 50) { nodes { assignments { reports { percent
      figures { metric } attachments { fileName } assignment { id } } } } } }`;
    const one = many.replace("first: 50", "first: 1");
    app.db.sql.reset();
    expect((await app.gqlAs(tokens.district, one)).errors).toBeUndefined();
    const few = app.db.sql.count;
    app.db.sql.reset();
    expect((await app.gqlAs(tokens.district, many)).errors).toBeUndefined();
    expect(app.db.sql.count).toBe(few);
  });

  it("serves a file to whoever sees its report, and answers everyone else as if it did not exist", async () => {
    const d = await download(tokens.district, uploaded.pdf);
    expect(d.status).toBe(200);
    expect(d.body.equals(PDF)).toBe(true);
    expect(d.headers["content-type"]).toBe("application/pdf");
    expect(d.headers["content-length"]).toBe(String(PDF.length));
    expect(d.headers["x-content-type-options"]).toBe("nosniff");
    const disposition = d.headers["content-disposition"]!;
    expect(disposition).toMatch(/^attachment; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(decodeURIComponent(disposition.split("''")[1])).toBe(PDF_NAME);
    const t = await download(tokens.commune, uploaded.text);
    expect([t.status, t.headers["content-type"]]).toEqual([200, "text/plain; charset=utf-8"]);

    const hidden = await download(tokens.sibling, uploaded.pdf);
    const missing = await download(tokens.sibling, toGlobalId("Attachment", 4_000_000_000));
    const garbage = await download(tokens.sibling, "not-an-id");
    const wrongType = await download(tokens.sibling, toGlobalId("Task", child.id));
    expect(hidden.status).toBe(404);
    for (const other of [missing, garbage, wrongType]) {
      expect([other.status, other.body.toString()]).toEqual([hidden.status, hidden.body.toString()]);
    }
    expect(hidden.json()).toEqual({
      errors: [{ message: "Attachment not found", extensions: { code: "NOT_FOUND" } }],
    });
    const node = await app.gqlAs<{ node: unknown }>(
      tokens.sibling,
      `query($id: ID!) { node(id: $id) { id } }`,
      {
        id: uploaded.pdf,
      },
    );
    expect(node.data!.node).toBeNull();
    const anonymous = await download(null, uploaded.pdf);
    expect([anonymous.status, anonymous.json().errors?.[0].extensions.code]).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
  });

  it("lists a plan's reporting periods, earliest first", async () => {
    const r = await app.gqlAs<{ plan: { reportingPeriods: Array<Record<string, string>> } }>(
      tokens.commune,
      `query($id: ID!) { plan(id: $id) { reportingPeriods { kind periodStart periodEnd dueDate } } }`,
      { id: toGlobalId("Plan", plan.id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.plan.reportingPeriods).toEqual([
      { kind: "QUARTERLY", periodStart: "2022-04-01", periodEnd: "2022-06-30", dueDate: "2022-07-05" },
      { kind: "MONTHLY", periodStart: "2022-06-01", periodEnd: "2022-06-30", dueDate: "2022-07-03" },
    ]);
  });
});
