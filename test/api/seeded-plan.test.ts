import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { startTestApp, type TestApp } from "../helpers/server";

/** The real 2022 plan, read through the API as a department portal would. */
describe("the seeded Bắc Kạn 2022 plan through the API", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedBacKan2022(app.db.ds);
  });
  afterAll(async () => {
    await app.close();
  });

  it("counts the units of 2022 by level and type", async () => {
    const q = `query($f: UnitFilter) { units(first: 1, filter: $f) { totalCount nodes { id } } }`;
    const province = await app.gql<{ units: { totalCount: number; nodes: Array<{ id: string }> } }>(q, {
      f: { code: "06", level: "PROVINCE" },
    });
    expect(province.data!.units.totalCount).toBe(1);
    const withinId = province.data!.units.nodes[0].id;
    const n = async (f: Record<string, unknown>) =>
      (await app.gql<{ units: { totalCount: number } }>(q, { f: { validOn: "2022-12-31", withinId, ...f } }))
        .data!.units.totalCount;
    expect(await n({ level: "DISTRICT" })).toBe(8);
    expect(await n({ level: "COMMUNE" })).toBe(108);
    expect(await n({ types: ["XA"] })).toBe(96);
    expect(await n({ types: ["PHUONG"] })).toBe(6);
    expect(await n({ types: ["THI_TRAN"] })).toBe(6);
    // After 10/04/2023 Vân Tùng is a thị trấn: 95 xã, 7 thị trấn.
    const later = async (f: Record<string, unknown>) =>
      (await app.gql<{ units: { totalCount: number } }>(q, { f: { validOn: "2024-01-01", withinId, ...f } }))
        .data!.units.totalCount;
    expect(await later({ types: ["XA"] })).toBe(95);
    expect(await later({ types: ["THI_TRAN"] })).toBe(7);
  });

  it("returns Vietnamese names exactly as stored", async () => {
    const r = await app.gql<{
      units: { nodes: Array<{ fullName: string; code: string; ancestors: Array<{ fullName: string }> }> };
    }>(`{ units(first: 5, filter: { code: "01834" }) { nodes { code fullName ancestors { fullName } } } }`);
    expect(r.data!.units.nodes).toEqual([
      {
        code: "01834",
        fullName: "Phường Nguyễn Thị Minh Khai",
        ancestors: [{ fullName: "Tỉnh Bắc Kạn" }, { fullName: "Thành phố Bắc Kạn" }],
      },
    ]);
    const org = await app.gql<{
      organizations: { nodes: Array<{ name: string; code: string; kind: string }> };
    }>(`{ organizations(first: 5, filter: { search: "van phong dieu phoi" }) { nodes { code name kind } } }`);
    expect(org.data!.organizations.nodes).toEqual([
      {
        code: "VPDP-NTM",
        name: "Văn phòng Điều phối nông thôn mới tỉnh Bắc Kạn",
        kind: "COORDINATION_OFFICE",
      },
    ]);
  });

  it("shows the plan's targets, groups and roadmap, unknowns marked", async () => {
    const r = await app.gql<{
      plans: {
        nodes: Array<{
          number: string;
          issuedOn: string;
          targets: Array<{ code: string; baseline: string | null; targetValue: string | null }>;
          taskGroups: Array<{ ord: number; title: string | null; confidence: string }>;
          roadmap: Array<{ level: string; unit: { name: string } | null; confidence: string }>;
        }>;
      };
    }>(`{ plans(first: 5, filter: { year: 2022 }) { nodes {
      number issuedOn targets { code baseline targetValue } taskGroups { ord title confidence }
      roadmap { level unit { name } confidence }
    } } }`);
    expect(r.errors).toBeUndefined();
    const [plan] = r.data!.plans.nodes;
    expect(plan.number).toBe("125/KH-UBND");
    expect(plan.issuedOn).toBe("2022-02-25");
    const target = (code: string) => plan.targets.find((t) => t.code === code);
    expect(target("NEW_NTM_COMMUNES")).toEqual({
      code: "NEW_NTM_COMMUNES",
      baseline: "21",
      targetValue: "9",
    });
    expect(target("AVG_CRITERIA_PER_XA")?.targetValue).toBe("13.5");
    expect(target("NEW_ADVANCED_NTM_COMMUNES")?.targetValue).toBe("2");
    expect(target("NEW_NTM_VILLAGES")?.targetValue).toBe("60");
    expect(plan.taskGroups.map((g) => g.ord)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(plan.taskGroups.filter((g) => g.title === null).map((g) => [g.ord, g.confidence])).toEqual([
      [4, "UNKNOWN"],
      [5, "UNKNOWN"],
      [6, "UNKNOWN"],
      [7, "UNKNOWN"],
      [8, "UNKNOWN"],
    ]);
    const ntm = plan.roadmap.filter((e) => e.level === "NTM");
    expect(ntm).toHaveLength(9);
    expect(ntm.filter((e) => e.unit === null).map((e) => e.confidence)).toEqual(["UNKNOWN", "UNKNOWN"]);
    expect(
      plan.roadmap
        .filter((e) => e.level === "ADVANCED_NTM")
        .map((e) => e.unit?.name)
        .sort(),
    ).toEqual(["Cẩm Giàng", "Hà Hiệu"]);
  });

  it("assigns group 3 to the districts of the specially difficult communes", async () => {
    const r = await app.gql<{
      tasks: {
        nodes: Array<{
          group: { ord: number };
          quota: string | null;
          leadOrganization: { code: string };
          cooperatingOrganizations: Array<{ code: string }>;
          units: Array<{ level: string }>;
        }>;
      };
    }>(`{ tasks(first: 20, orderBy: CODE_ASC) { nodes {
      group { ord } quota leadOrganization { code } cooperatingOrganizations { code } units { level }
    } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.tasks.nodes).toHaveLength(8);
    const g3 = r.data!.tasks.nodes.find((t) => t.group.ord === 3)!;
    expect(g3.quota).toBe("60");
    expect(g3.leadOrganization.code).toBe("VPDP-NTM");
    expect(g3.cooperatingOrganizations.map((o) => o.code).sort()).toEqual([
      "UBND-060",
      "UBND-061",
      "UBND-062",
      "UBND-063",
      "UBND-064",
      "UBND-065",
      "UBND-066",
    ]);
    expect(g3.units).toHaveLength(7);
    expect(new Set(g3.units.map((u) => u.level))).toEqual(new Set(["DISTRICT"]));
  });

  it("lists the 19 commune criteria with their indicators", async () => {
    const r = await app.gql<{
      criteriaSets: {
        nodes: Array<{
          criteriaCount: number;
          criteria: Array<{ no: number; name: string; indicators: unknown[] }>;
        }>;
      };
    }>(
      `{ criteriaSets(first: 5, filter: { kind: COMMUNE }) { nodes { criteriaCount criteria { no name indicators { code } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const [set] = r.data!.criteriaSets.nodes;
    expect(set.criteriaCount).toBe(19);
    expect(set.criteria.map((c) => c.no)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(set.criteria[1].name).toBe("Giao thông");
    expect(set.criteria[1].indicators.length).toBeGreaterThan(0);
  });

  it("lists the recognitions in force at the end of 2021", async () => {
    const r = await app.gql<{ recognitions: { nodes: Array<{ level: string; unit: { name: string } }> } }>(
      `{ recognitions(first: 100, filter: { levels: [ADVANCED_NTM] }) { nodes { level unit { name } } } }`,
    );
    expect(r.data!.recognitions.nodes.map((n) => n.unit.name).sort()).toEqual(["Kim Lư", "Quang Thuận"]);
  });
});
