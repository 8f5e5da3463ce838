import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { DEMO_PASSWORD, seedDemoUsers } from "../../src/seed/demo-users";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * Group 3 of the real 2022 plan, end to end through the API only: the Coordination Office
 * splits the 60-village target among the districts, Pác Nặm splits its share between two
 * communes, Bộc Bố reports with evidence and the district approves it, Nhạn Môn reports late,
 * and the province sees done on time, done late and overdue, and the quota-weighted progress.
 */
type Errors = Array<{ code: string; message: string }>;

describe("group 3 of Kế hoạch 125/KH-UBND, end to end", () => {
  let app: TestApp;
  const token: Record<string, string> = {};
  const orgId: Record<string, string> = {};

  const as = async <T>(who: string, query: string, variables?: Record<string, unknown>) => {
    const r = await app.gqlAs<T>(token[who], query, variables);
    if (r.errors) throw new Error(`${who}: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  };
  const login = async (email: string, password: string) => {
    const r = await app.gqlAs<{ login: { tokens: { accessToken: string } | null; userErrors: Errors } }>(
      null,
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { tokens { accessToken } userErrors { code message } } }`,
      { e: email, p: password },
    );
    expect(r.data!.login.userErrors).toEqual([]);
    return r.data!.login.tokens!.accessToken;
  };
  const credentials: Record<string, [string, string]> = {};
  const signInAgain = async () => {
    for (const [who, [email, password]] of Object.entries(credentials))
      token[who] = await login(email, password);
  };
  const assignmentOf = async (who: string, code: string) => {
    const d = await as<{
      tasks: {
        nodes: Array<{
          id: string;
          version: number;
          progress: string;
          assignments: Array<{ id: string; version: number; status: string; role: string }>;
        }>;
      };
    }>(
      who,
      `query($c: String!) { tasks(first: 5, filter: { code: $c }) { nodes { id version progress assignments { id version status role } } } }`,
      { c: code },
    );
    const t = d.tasks.nodes[0];
    return { task: t, lead: t.assignments.find((a) => a.role === "LEAD")! };
  };
  const transition = async (who: string, assignment: { id: string; version: number }, action: string) => {
    const d = await as<{
      transitionAssignment: { assignment: { version: number; status: string } | null; userErrors: Errors };
    }>(
      who,
      `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { assignment { version status } userErrors { code message } } }`,
      { i: { assignmentId: assignment.id, action, version: assignment.version } },
    );
    expect(d.transitionAssignment.userErrors).toEqual([]);
    return d.transitionAssignment.assignment!;
  };
  const delegate = async (
    who: string,
    task: { id: string; version: number },
    subtasks: Array<Record<string, unknown>>,
  ) => {
    const d = await as<{ delegateTask: { tasks: Array<{ id: string; code: string }>; userErrors: Errors } }>(
      who,
      `mutation($i: DelegateTaskInput!) { delegateTask(input: $i) { tasks { id code } userErrors { code message } } }`,
      { i: { taskId: task.id, version: task.version, subtasks } },
    );
    expect(d.delegateTask.userErrors).toEqual([]);
    return d.delegateTask.tasks;
  };
  const upload = async (who: string, name: string, body: Buffer) => {
    const res = await fetch(`${app.url}/attachments`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token[who]}`,
        "content-type": "application/pdf",
        "x-file-name": encodeURIComponent(name),
      },
      body,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const report = async (
    who: string,
    assignment: { id: string; version: number },
    input: Record<string, unknown>,
  ) => {
    const d = await as<{
      submitReport: { report: { id: string; version: number } | null; userErrors: Errors };
    }>(
      who,
      `mutation($i: SubmitReportInput!) { submitReport(input: $i) { report { id version } userErrors { code message } } }`,
      {
        i: {
          assignmentId: assignment.id,
          version: assignment.version,
          periodKind: "YEARLY",
          periodStart: "2022-01-01",
          periodEnd: "2022-12-31",
          ...input,
        },
      },
    );
    expect(d.submitReport.userErrors).toEqual([]);
    return d.submitReport.report!;
  };
  const approve = async (who: string, r: { id: string; version: number }) => {
    const d = await as<{ reviewReport: { userErrors: Errors } }>(
      who,
      `mutation($i: ReviewReportInput!) { reviewReport(input: $i) { userErrors { code message } } }`,
      { i: { reportId: r.id, version: r.version, decision: "APPROVE" } },
    );
    expect(d.reviewReport.userErrors).toEqual([]);
  };

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T02:00:00Z") });
    await seedBacKan2022(app.db.ds);
    await seedDemoUsers(app.db.ds);
    credentials.admin = ["admin@demo.ntm.backan.vn", DEMO_PASSWORD];
    credentials.coordinator = ["coordinator@demo.ntm.backan.vn", DEMO_PASSWORD];
    await signInAgain();
    const orgs = await as<{ organizations: { nodes: Array<{ id: string; code: string }> } }>(
      "admin",
      `{ organizations(first: 100, filter: { kinds: [PEOPLES_COMMITTEE] }) { nodes { id code } } }`,
    );
    const byCode = (code: string) => orgs.organizations.nodes.find((o) => o.code === code)?.id;
    for (const code of ["UBND-060", "UBND-061", "UBND-062", "UBND-063", "UBND-064", "UBND-065", "UBND-066"])
      orgId[code] = byCode(code)!;
    // Communes are many; fetch the two of Pác Nặm by name.
    for (const [code, name] of [
      ["UBND-01864", "Bộc Bố"],
      ["UBND-01861", "Nhạn Môn"],
    ]) {
      const o = await as<{ organizations: { nodes: Array<{ id: string; code: string }> } }>(
        "admin",
        `query($s: String!) { organizations(first: 5, filter: { search: $s, kinds: [PEOPLES_COMMITTEE] }) { nodes { id code } } }`,
        { s: name },
      );
      orgId[code] = o.organizations.nodes.find((n) => n.code === code)!.id;
    }
    // The administrator creates the district's and the communes' officers, who then sign in.
    const people: Array<[string, string, string]> = [
      ["pacnam", "UBND-060", "DISTRICT_OFFICER"],
      ["bocbo", "UBND-01864", "COMMUNE_OFFICER"],
      ["nhanmon", "UBND-01861", "COMMUNE_OFFICER"],
    ];
    for (const [who, org, role] of people) {
      const d = await as<{ createUser: { userErrors: Errors } }>(
        "admin",
        `mutation($i: CreateUserInput!) { createUser(input: $i) { userErrors { code message } } }`,
        {
          i: {
            email: `${who}@e2e.backan.gov.vn`,
            displayName: who,
            organizationId: orgId[org],
            roles: [role],
            password: "Mật khẩu đủ dài 2022!",
          },
        },
      );
      expect(d.createUser.userErrors).toEqual([]);
      credentials[who] = [`${who}@e2e.backan.gov.vn`, "Mật khẩu đủ dài 2022!"];
      token[who] = await login(...credentials[who]);
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it("runs from the province's split to the province's roll-up", async () => {
    // 1. The Coordination Office accepts group 3's task and splits the 60 villages among the 7 districts.
    const root = await assignmentOf("coordinator", "125-3");
    await transition("coordinator", root.lead, "ACCEPT");
    const refreshed = await assignmentOf("coordinator", "125-3");
    const quotas: Record<string, string> = {
      "UBND-060": "12",
      "UBND-061": "10",
      "UBND-062": "8",
      "UBND-063": "8",
      "UBND-064": "8",
      "UBND-065": "7",
      "UBND-066": "7",
    };
    const districtTasks = await delegate(
      "coordinator",
      refreshed.task,
      Object.entries(quotas).map(([code, quota]) => ({
        leadOrganizationId: orgId[code],
        quota,
        dueDate: "2022-12-15",
      })),
    );
    expect(districtTasks.map((t) => t.code)).toEqual([
      "125-3.1",
      "125-3.2",
      "125-3.3",
      "125-3.4",
      "125-3.5",
      "125-3.6",
      "125-3.7",
    ]);

    // 2. Pác Nặm accepts and splits its 12 between Bộc Bố (7) and Nhạn Môn (5).
    const pacNam = await assignmentOf("pacnam", "125-3.1");
    await transition("pacnam", pacNam.lead, "ACCEPT");
    const pacNamTask = await assignmentOf("pacnam", "125-3.1");
    await delegate("pacnam", pacNamTask.task, [
      { leadOrganizationId: orgId["UBND-01864"], quota: "7", dueDate: "2022-12-15" },
      { leadOrganizationId: orgId["UBND-01861"], quota: "5", dueDate: "2022-12-15" },
    ]);

    // 3. Bộc Bố accepts, starts, and reports all 7 villages recognized, with evidence, on 20/11.
    app.clock.set(new Date("2022-11-20T02:00:00Z"));
    await signInAgain(); // the clock moved months: sign in again, as people would
    let bocBo = await assignmentOf("bocbo", "125-3.1.1");
    let a = await transition("bocbo", bocBo.lead, "ACCEPT");
    a = await transition("bocbo", { id: bocBo.lead.id, version: a.version }, "START");
    const evidence = await upload(
      "bocbo",
      "Biên bản công nhận thôn NTM - Bộc Bố.pdf",
      Buffer.from("%PDF-1.4\n% Bộc Bố\n", "utf8"),
    );
    const finalReport = await report(
      "bocbo",
      { id: bocBo.lead.id, version: a.version },
      {
        percent: "100",
        narrative: "07 thôn đạt chuẩn NTM năm 2022.",
        figures: [{ metric: "villages_recognized", value: "7", measureUnit: "thôn" }],
        attachmentIds: [evidence],
        final: true,
      },
    );
    // 4. The district approves on time.
    await approve("pacnam", finalReport);
    bocBo = await assignmentOf("pacnam", "125-3.1.1");
    expect(bocBo.lead.status).toBe("APPROVED");

    // 5. Nhạn Môn reports after the deadline; the district approves it late.
    app.clock.set(new Date("2022-12-19T02:00:00Z"));
    await signInAgain();
    const nhanMon = await assignmentOf("nhanmon", "125-3.1.2");
    const b = await transition("nhanmon", nhanMon.lead, "ACCEPT");
    const late = await report(
      "nhanmon",
      { id: nhanMon.lead.id, version: b.version },
      { percent: "100", narrative: "05 thôn đạt chuẩn.", final: true },
    );
    await approve("pacnam", late);

    // 6. The province sees the roll-up: Pác Nặm's subtree by organization, and the plan's progress.
    const counts = await as<{
      timelinessCounts: Array<{
        organization: { id: string } | null;
        doneOnTime: number;
        doneLate: number;
        overdue: number;
        total: number;
      }>;
    }>(
      "coordinator",
      `query($u: ID) { timelinessCounts(filter: { unitId: $u, role: LEAD }, groupBy: ORGANIZATION) { organization { id } doneOnTime doneLate overdue total } }`,
      { u: null },
    );
    const row = (code: string) => counts.timelinessCounts.find((c) => c.organization?.id === orgId[code]);
    expect(row("UBND-01864")).toMatchObject({ doneOnTime: 1, doneLate: 0, overdue: 0 });
    expect(row("UBND-01861")).toMatchObject({ doneOnTime: 0, doneLate: 1, overdue: 0 });
    // Pác Nặm itself has not reported on its own assignment, due 15/12: overdue; so are the six districts that never accepted.
    for (const code of ["UBND-060", "UBND-061", "UBND-062", "UBND-063", "UBND-064", "UBND-065", "UBND-066"]) {
      expect([code, row(code)?.overdue]).toEqual([code, 1]);
    }
    const explained = await as<{
      tasks: { nodes: Array<{ progress: string; progressExplanation: { method: string; percent: string } }> };
    }>(
      "coordinator",
      `{ tasks(first: 1, filter: { code: "125-3" }) { nodes { progress progressExplanation { method percent } } } }`,
    );
    // Pác Nặm's 12 of 60 are done: 20 %, weighted by the quotas.
    expect(explained.tasks.nodes[0]).toEqual({
      progress: "20",
      progressExplanation: { method: "QUOTA_WEIGHTED", percent: "20" },
    });
  });
});
