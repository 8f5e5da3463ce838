import type { DataSource } from "typeorm";
import { CriteriaSet } from "../../src/criteria/criteria-set.entity";
import { Criterion, Indicator } from "../../src/criteria/criterion.entity";
import { RecognitionLevel } from "../../src/criteria/criteria.enums";
import { Recognition } from "../../src/criteria/recognition.entity";
import { FundingAllocation } from "../../src/funding/funding-allocation.entity";
import { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { PlanTarget, TargetQuota } from "../../src/plans/plan-target.entity";
import { Plan } from "../../src/plans/plan.entity";
import { RoadmapLevel, RoadmapOutcome } from "../../src/plans/plan.enums";
import { RoadmapEntry } from "../../src/plans/roadmap-entry.entity";
import { TaskGroup } from "../../src/plans/task-group.entity";
import { isDatabaseEmpty, seedBacKan2022, type SeedSummary } from "../../src/seed/bac-kan-2022";
import { REFERENCE } from "../../src/seed/reference-data";
import { ReferenceSource } from "../../src/shared/reference-source.entity";
import { Confidence } from "../../src/shared/provenance";
import { Task, TaskCooperator, TaskUnit } from "../../src/tasks/task.entity";
import { Unit } from "../../src/units/unit.entity";
import { UnitLevel, UnitType } from "../../src/units/unit.enums";
import { createTestDb, type TestDb } from "../helpers/db";

/** Units of a level that existed on a day (validFrom/validTo are inclusive; NULL is open). */
async function unitsValidOn(ds: DataSource, level: UnitLevel, day: string): Promise<Unit[]> {
  return ds
    .getRepository(Unit)
    .createQueryBuilder("u")
    .where("u.level = :level", { level })
    .andWhere("(u.valid_from IS NULL OR u.valid_from <= :day)", { day })
    .andWhere("(u.valid_to IS NULL OR u.valid_to >= :day)", { day })
    .getMany();
}

function countBy<T>(rows: T[], key: (r: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
}

/** Every table (but the migrations log), every row, every column, ordered by primary key. */
async function dumpAllTables(ds: DataSource): Promise<Record<string, string>> {
  const tables: Array<{ t: string }> = await ds.query(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'typeorm_migrations' ORDER BY TABLE_NAME",
  );
  const dump: Record<string, string> = {};
  for (const { t } of tables) {
    const keys: Array<{ c: string }> = await ds.query(
      "SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
      [t],
    );
    expect(keys.length).toBeGreaterThan(0);
    const rows: unknown[] = await ds.query(
      `SELECT * FROM \`${t}\` ORDER BY ${keys.map((k) => `\`${k.c}\``).join(", ")}`,
    );
    dump[t] = JSON.stringify(rows);
  }
  return dump;
}

describe("seedBacKan2022", () => {
  let db: TestDb;
  let ds: DataSource;
  let emptyBefore: boolean;
  let first: SeedSummary;

  const unitByCode = async (code: string, validFrom?: string) =>
    ds.getRepository(Unit).findOneByOrFail(validFrom ? { code, validFrom } : { code });
  const org = async (code: string) => ds.getRepository(Organization).findOneByOrFail({ code });
  const plan = async () =>
    ds.getRepository(Plan).findOneByOrFail({ number: "125/KH-UBND", issuedOn: "2022-02-25" });
  const commune2022 = async (name: string) => {
    const found = (await unitsValidOn(ds, UnitLevel.COMMUNE, "2022-12-31")).filter((u) => u.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    db = await createTestDb();
    ds = db.ds;
    emptyBefore = await isDatabaseEmpty(ds);
    first = await seedBacKan2022(ds);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("reports what it inserted, table by table", async () => {
    expect(emptyBefore).toBe(true);
    expect(await isDatabaseEmpty(ds)).toBe(false);
    for (const [table, inserted] of Object.entries(first)) {
      const [{ n }]: Array<{ n: string }> = await ds.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
      expect({ table, inserted }).toEqual({ table, inserted: Number(n) });
      expect(inserted).toBeGreaterThan(0);
    }
    expect(first.reference_source).toBe(Object.keys(REFERENCE.sources).length);
  });

  describe("administrative units", () => {
    it("has the province of Bắc Kạn at the root", async () => {
      const provinces = await ds.getRepository(Unit).findBy({ level: UnitLevel.PROVINCE });
      expect(provinces).toHaveLength(1);
      const p = provinces[0];
      expect(p).toMatchObject({
        code: "06",
        name: "Bắc Kạn",
        fullName: "Tỉnh Bắc Kạn",
        type: UnitType.TINH,
        depth: 0,
        parentId: null,
        path: `/${p.id}/`,
        validTo: "2025-06-30",
        successorNote: "tỉnh Thái Nguyên (từ 2025-07-01)",
      });
    });

    it("has 8 district-level units: 1 thành phố and 7 huyện", async () => {
      const districts = await unitsValidOn(ds, UnitLevel.DISTRICT, "2022-12-31");
      expect(districts).toHaveLength(8);
      expect(countBy(districts, (d) => d.type)).toEqual({ thanh_pho: 1, huyen: 7 });
      expect(districts.map((d) => d.code).sort()).toEqual([
        "058",
        "060",
        "061",
        "062",
        "063",
        "064",
        "065",
        "066",
      ]);
      const city = await unitByCode("058");
      expect(city).toMatchObject({ fullName: "Thành phố Bắc Kạn", depth: 1, validTo: "2025-06-30" });
      expect((await unitByCode("060")).fullName).toBe("Huyện Pác Nặm");
    });

    it("has 108 commune-level units on 31/12/2022: 96 xã, 6 phường, 6 thị trấn", async () => {
      const communes = await unitsValidOn(ds, UnitLevel.COMMUNE, "2022-12-31");
      expect(communes).toHaveLength(108);
      expect(countBy(communes, (c) => c.type)).toEqual({ xa: 96, phuong: 6, thi_tran: 6 });
      for (const c of communes) {
        expect(c.code).toMatch(/^\d{5}$/);
        expect(c.depth).toBe(2);
        expect(c.validFrom).toBe("2020-02-01");
        expect(c.fullName).toBe(
          `${{ xa: "Xã", phuong: "Phường", thi_tran: "Thị trấn" }[c.type as string]} ${c.name}`,
        );
      }
      // After Vân Tùng became a thị trấn on 10/04/2023.
      const later = await unitsValidOn(ds, UnitLevel.COMMUNE, "2023-12-31");
      expect(countBy(later, (c) => c.type)).toEqual({ xa: 95, phuong: 6, thi_tran: 7 });
      expect(await ds.getRepository(Unit).countBy({ level: UnitLevel.COMMUNE })).toBe(109);
    });

    it("records Vân Tùng's change from xã to thị trấn as two rows linked by successorId", async () => {
      const xa = await unitByCode("01954", "2020-02-01");
      const thiTran = await unitByCode("01954", "2023-04-10");
      const nganSon = await unitByCode("062");
      expect(xa).toMatchObject({
        type: UnitType.XA,
        fullName: "Xã Vân Tùng",
        validTo: "2023-04-09",
        successorId: thiTran.id,
        successorNote: null,
        parentId: nganSon.id,
      });
      expect(thiTran).toMatchObject({
        type: UnitType.THI_TRAN,
        fullName: "Thị trấn Vân Tùng",
        validTo: "2025-06-30",
        successorId: null,
        successorNote: "xã Ngân Sơn, tỉnh Thái Nguyên (từ 2025-07-01)",
        parentId: nganSon.id,
      });
      expect(thiTran.sources).toEqual(expect.arrayContaining(["S5"]));
    });

    it("closes every unit of the province on 30/06/2025 with its successor", async () => {
      const units = await ds.getRepository(Unit).findBy({ level: UnitLevel.COMMUNE });
      for (const u of units) {
        if (u.code === "01954" && u.type === UnitType.XA) continue;
        expect(u.validTo).toBe("2025-06-30");
        expect(u.successorNote).toMatch(/^(xã|phường) .+, tỉnh Thái Nguyên \(từ 2025-07-01\)$/);
      }
      expect((await commune2022("Bành Trạch")).successorNote).toBe(
        "xã Phúc Lộc, tỉnh Thái Nguyên (từ 2025-07-01)",
      );
      for (const d of await ds.getRepository(Unit).findBy({ level: UnitLevel.DISTRICT })) {
        expect(d.validTo).toBe("2025-06-30");
        expect(d.successorNote).not.toBeNull();
      }
    });

    it("keeps every path consistent with the parent's", async () => {
      const units = await ds.getRepository(Unit).find();
      const byId = new Map(units.map((u) => [u.id, u]));
      for (const u of units) {
        if (u.parentId === null) {
          expect(u.path).toBe(`/${u.id}/`);
          continue;
        }
        const parent = byId.get(u.parentId);
        expect(parent).toBeDefined();
        expect(u.path).toBe(`${parent?.path}${u.id}/`);
        expect(u.depth).toBe((parent?.depth ?? -1) + 1);
      }
    });

    it("seeds the villages the sources name, under their commune", async () => {
      const villages = await ds.getRepository(Unit).findBy({ level: UnitLevel.VILLAGE });
      const dongLeo = villages.find((v) => v.name === "Đông Lẻo");
      const bocBo = await commune2022("Bộc Bố");
      expect(dongLeo).toMatchObject({
        type: UnitType.THON,
        code: null,
        depth: 3,
        parentId: bocBo.id,
        fullName: "Thôn Đông Lẻo",
      });
      expect(villages.map((v) => v.name).sort()).toEqual(["Nà Muồng", "Đông Lẻo"]);
    });

    it("keeps area classes where given and leaves 'specially difficult' unknown", async () => {
      expect((await commune2022("Bộc Bố")).areaClass).toBe("III");
      expect((await commune2022("Nguyễn Thị Minh Khai")).areaClass).toBe("I");
      expect((await commune2022("Hà Hiệu")).areaClass).toBeNull();
      const [{ n }]: Array<{ n: string }> = await ds.query(
        "SELECT COUNT(*) AS n FROM admin_unit WHERE specially_difficult IS NOT NULL",
      );
      expect(Number(n)).toBe(0);
    });
  });

  it("stores Vietnamese names exactly, byte for byte", async () => {
    const cases: Array<[string, string, string]> = [
      ["admin_unit", "name", "Nguyễn Thị Minh Khai"],
      ["admin_unit", "name", "Đồng Thắng"],
      ["organization", "name", "Văn phòng Điều phối nông thôn mới tỉnh Bắc Kạn"],
    ];
    for (const [table, column, expected] of cases) {
      const rows: Array<{ v: string; hex: string }> = await ds.query(
        `SELECT \`${column}\` AS v, HEX(\`${column}\`) AS hex FROM \`${table}\` WHERE \`${column}\` = ?`,
        [expected],
      );
      expect(rows).toHaveLength(1);
      expect(Buffer.from(rows[0].v, "utf8").equals(Buffer.from(expected.normalize("NFC"), "utf8"))).toBe(
        true,
      );
      expect(rows[0].hex).toBe(Buffer.from(expected, "utf8").toString("hex").toUpperCase());
    }
    const dongThang = await commune2022("Đồng Thắng");
    expect(dongThang).toMatchObject({
      nameFolded: "dong thang",
      nameLower: "đồng thắng",
      fullName: "Xã Đồng Thắng",
    });
  });

  describe("organizations", () => {
    it("has a People's Committee for the province, each district and each commune, in a tree", async () => {
      const committees = await ds
        .getRepository(Organization)
        .findBy({ kind: OrganizationKind.PEOPLES_COMMITTEE });
      expect(committees).toHaveLength(1 + 8 + 108);
      const province = await unitByCode("06");
      const tinh = await org("UBND-06");
      expect(tinh).toMatchObject({
        name: "Ủy ban nhân dân tỉnh Bắc Kạn",
        unitId: province.id,
        parentId: null,
      });
      const pacNam = await org("UBND-060");
      expect(pacNam).toMatchObject({ name: "Ủy ban nhân dân huyện Pác Nặm", parentId: tinh.id });
      const bocBo = await org("UBND-01864");
      expect(bocBo).toMatchObject({
        name: "Ủy ban nhân dân xã Bộc Bố",
        parentId: pacNam.id,
        nameFolded: "uy ban nhan dan xa boc bo",
      });
      expect((await org("UBND-058")).name).toBe("Ủy ban nhân dân thành phố Bắc Kạn");
    });

    it("has every provincial agency of the reference data, with ASCII codes", async () => {
      const agencies = await ds
        .getRepository(Organization)
        .createQueryBuilder("o")
        .where("o.kind <> :kind", { kind: OrganizationKind.PEOPLES_COMMITTEE })
        .getMany();
      expect(agencies).toHaveLength(REFERENCE.agencies.length);
      for (const a of agencies) expect(a.code).toMatch(/^[A-Z0-9-]+$/);
      expect(await org("VPDP-NTM")).toMatchObject({
        name: "Văn phòng Điều phối nông thôn mới tỉnh Bắc Kạn",
        shortName: "VPĐP NTM",
        kind: OrganizationKind.COORDINATION_OFFICE,
      });
      expect(await org("SNN")).toMatchObject({ kind: OrganizationKind.DEPARTMENT, shortName: "SNN&PTNT" });
      expect(await org("SKHDT")).toMatchObject({ name: "Sở Kế hoạch và Đầu tư" });
      expect((await org("STC")).confidence).toBe(Confidence.UNCERTAIN);
      expect((await org("CAT")).kind).toBe(OrganizationKind.POLICE);
    });
  });

  describe("criteria sets", () => {
    const setByCode = async (code: string) => ds.getRepository(CriteriaSet).findOneByOrFail({ code });
    const criteriaOf = async (code: string) =>
      ds
        .getRepository(Criterion)
        .find({ where: { setId: (await setByCode(code)).id }, order: { no: "ASC" } });

    it("has the 19 commune criteria of QĐ 318/QĐ-TTg with their groups and indicators", async () => {
      const set = await setByCode("COMMUNE_2021_2025");
      expect(set).toMatchObject({
        criteriaCount: 19,
        issuedOn: "2022-03-08",
        periodStartYear: 2021,
        periodEndYear: 2025,
      });
      expect(set.decision).toMatch(/^Quyết định 318\/QĐ-TTg/);
      const criteria = await criteriaOf("COMMUNE_2021_2025");
      expect(criteria.map((c) => c.no)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
      expect(criteria[1]).toMatchObject({ name: "Giao thông", groupName: "II. Hạ tầng kinh tế - xã hội" });
      const indicators = await ds.getRepository(Indicator).findBy({ criterionId: criteria[16].id });
      const byCode = new Map(indicators.map((i) => [i.code, i]));
      expect(byCode.get("17.6")?.confidence).toBe(Confidence.CONFIRMED);
      expect(byCode.get("17.1")?.confidence).toBe(Confidence.UNCERTAIN);
    });

    it("has the advanced, model, district (9) and village (16) sets", async () => {
      expect(await criteriaOf("COMMUNE_ADVANCED_2021_2025")).toHaveLength(19);
      expect((await setByCode("COMMUNE_ADVANCED_2021_2025")).confidence).toBe(Confidence.UNCERTAIN);
      const model = await setByCode("COMMUNE_MODEL_2021_2025");
      expect(model).toMatchObject({ criteriaCount: 0, confidence: Confidence.UNKNOWN });
      expect(model.note).toMatch(/not read/);
      expect(await criteriaOf("COMMUNE_MODEL_2021_2025")).toHaveLength(0);
      expect(await criteriaOf("DISTRICT_2021_2025")).toHaveLength(9);
      expect((await setByCode("DISTRICT_2021_2025")).criteriaCount).toBe(9);
      const village = await criteriaOf("VILLAGE_BAC_KAN_2021");
      expect(village).toHaveLength(16);
      expect((await setByCode("VILLAGE_BAC_KAN_2021")).issuedOn).toBe("2021-06-16");
      expect(village[0].groupName).toBe("tổ chức cộng đồng");
    });
  });

  describe("the plan 125/KH-UBND", () => {
    it("is issued by the provincial People's Committee for the whole province", async () => {
      const p = await plan();
      expect(p).toMatchObject({
        issuer: "UBND tỉnh Bắc Kạn",
        year: 2022,
        program: "Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
        periodStartYear: 2021,
        periodEndYear: 2025,
        scopeUnitId: (await unitByCode("06")).id,
        issuerOrgId: (await org("UBND-06")).id,
      });
    });

    it("has 8 task groups; groups 4-8 are unknown and stored as NULL", async () => {
      const groups = await ds
        .getRepository(TaskGroup)
        .find({ where: { planId: (await plan()).id }, order: { ord: "ASC" } });
      expect(groups.map((g) => g.ord)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const g of groups.slice(0, 3)) {
        expect(g.title).not.toBeNull();
        expect(g.confidence).toBe(Confidence.CONFIRMED);
      }
      for (const g of groups.slice(3)) {
        expect(g).toMatchObject({ title: null, confidence: Confidence.UNKNOWN });
        expect(g.note).toMatch(/not readable/);
      }
    });

    it("has its 7 targets with exact values", async () => {
      const targets = await ds
        .getRepository(PlanTarget)
        .find({ where: { planId: (await plan()).id }, order: { ord: "ASC" } });
      const view = targets.map((t) => [
        t.code,
        t.metric,
        t.targetKind,
        t.baseline,
        t.targetValue,
        t.measureUnit,
      ]);
      expect(view).toEqual([
        ["NEW_NTM_COMMUNES", "communes_ntm", "increase", "21.00", "9.00", "xã"],
        [
          "OTHER_COMMUNES_MIN_NEW_CRITERIA",
          "communes_gaining_criterion",
          "minimum_each",
          null,
          "1.00",
          "tiêu chí",
        ],
        ["AVG_CRITERIA_PER_XA", "avg_criteria_xa", "level", null, "13.50", "tiêu chí/xã"],
        ["NEW_ADVANCED_NTM_COMMUNES", "communes_advanced_ntm", "increase", "2.00", "2.00", "xã"],
        ["NEW_NTM_VILLAGES", "villages_ntm", "increase", null, "60.00", "thôn"],
        ["BACH_THONG_DISTRICT_CRITERION", "district_criteria_met", "increase", null, "1.00", "tiêu chí"],
        ["CITY_MAINTAINS_COMPLETION", "district_completion", "maintain", null, "1.00", "đơn vị"],
      ]);
      const byCode = new Map(targets.map((t) => [t.code, t]));
      expect(byCode.get("AVG_CRITERIA_PER_XA")?.note).toMatch(/Baseline unknown/);
      expect(byCode.get("NEW_NTM_VILLAGES")?.note).toMatch(/xã đặc biệt khó khăn không nằm trong lộ trình/);
      expect(byCode.get("BACH_THONG_DISTRICT_CRITERION")?.scopeUnitId).toBe((await unitByCode("063")).id);
      expect(byCode.get("CITY_MAINTAINS_COMPLETION")?.scopeUnitId).toBe((await unitByCode("058")).id);
    });

    it("splits the targets per district only as far as the sources go", async () => {
      const p = await plan();
      const quotasOf = async (code: string) => {
        const target = await ds.getRepository(PlanTarget).findOneByOrFail({ planId: p.id, code });
        const quotas = await ds.getRepository(TargetQuota).findBy({ targetId: target.id });
        const units = await ds.getRepository(Unit).findBy(quotas.map((q) => ({ id: q.unitId })));
        const name = new Map(units.map((u) => [u.id, u.name]));
        return new Map(quotas.map((q) => [name.get(q.unitId), q]));
      };
      const communes = await quotasOf("NEW_NTM_COMMUNES");
      expect(communes.size).toBe(8);
      expect(communes.get("Ba Bể")).toMatchObject({
        quota: "1.00",
        quotaText: null,
        confidence: Confidence.CONFIRMED,
      });
      expect(communes.get("Na Rì")).toMatchObject({
        quota: null,
        quotaText: ">=2",
        confidence: Confidence.UNCERTAIN,
      });
      expect(communes.get("Chợ Mới")).toMatchObject({
        quota: null,
        quotaText: null,
        confidence: Confidence.UNKNOWN,
      });
      expect(communes.get("Bắc Kạn")).toMatchObject({ quota: "0.00", confidence: Confidence.UNCERTAIN });
      const villages = await quotasOf("NEW_NTM_VILLAGES");
      expect(villages.size).toBe(8);
      for (const q of villages.values())
        expect(q).toMatchObject({ quota: null, confidence: Confidence.UNKNOWN });
    });

    it("has the roadmap: 7 named communes, 2 unknown ones stored as NULL, and 2 for advanced NTM", async () => {
      const entries = await ds.getRepository(RoadmapEntry).findBy({ planId: (await plan()).id });
      const ntm = entries.filter((e) => e.level === RoadmapLevel.NTM);
      expect(ntm).toHaveLength(9);
      const unknown = ntm.filter((e) => e.unitId === null);
      expect(unknown).toHaveLength(2);
      for (const e of unknown) {
        expect(e).toMatchObject({
          districtUnitId: null,
          confidence: Confidence.UNKNOWN,
          outcome: RoadmapOutcome.PENDING,
        });
        expect(e.note).toMatch(/^Unnamed roadmap commune/);
      }
      const outcomeOf = async (name: string, level: RoadmapLevel) => {
        const unitId = (await commune2022(name)).id;
        return entries.find((e) => e.level === level && e.unitId === unitId)?.outcome;
      };
      expect(await outcomeOf("Ngọc Phái", RoadmapLevel.NTM)).toBe(RoadmapOutcome.REACHED);
      for (const name of ["Tân Tú", "Bằng Vân", "Mỹ Phương", "Côn Minh", "Trần Phú", "Bộc Bố"]) {
        expect(await outcomeOf(name, RoadmapLevel.NTM)).toBe(RoadmapOutcome.MISSED);
      }
      const advanced = entries.filter((e) => e.level === RoadmapLevel.ADVANCED_NTM);
      expect(advanced).toHaveLength(2);
      for (const name of ["Cẩm Giàng", "Hà Hiệu"]) {
        expect(await outcomeOf(name, RoadmapLevel.ADVANCED_NTM)).toBe(RoadmapOutcome.MISSED);
      }
    });

    it("has one task per group, led by the Coordination Office, with the inferred parts marked uncertain", async () => {
      const p = await plan();
      const tasks = await ds.getRepository(Task).find({ where: { planId: p.id }, order: { code: "ASC" } });
      expect(tasks.map((t) => t.code)).toEqual([
        "125-1",
        "125-2",
        "125-3",
        "125-4",
        "125-5",
        "125-6",
        "125-7",
        "125-8",
      ]);
      const vpdp = await org("VPDP-NTM");
      for (const t of tasks) {
        expect(t).toMatchObject({
          path: `/${t.id}/`,
          depth: 0,
          parentId: null,
          leadOrgId: vpdp.id,
          dueDate: "2022-12-31",
          status: "assigned",
          confidence: Confidence.UNCERTAIN,
        });
        expect(t.note).toMatch(/Deadline not found/);
      }
      expect(tasks[4].title).toBe("Nhóm nhiệm vụ 5");

      const target = async (code: string) =>
        (await ds.getRepository(PlanTarget).findOneByOrFail({ planId: p.id, code })).id;
      const cooperators = async (t: Task) =>
        (await ds.getRepository(TaskCooperator).findBy({ taskId: t.id }))
          .map((c) => c.orgId)
          .sort((a, b) => a - b);
      const unitsOf = async (t: Task) =>
        (await ds.getRepository(TaskUnit).findBy({ taskId: t.id }))
          .map((u) => u.unitId)
          .sort((a, b) => a - b);
      const ids = async (codes: string[]) =>
        (await Promise.all(codes.map(org))).map((o) => o.id).sort((a, b) => a - b);
      const huyen = ["060", "061", "062", "063", "064", "065", "066"];

      expect(tasks[0].targetId).toBe(await target("NEW_NTM_COMMUNES"));
      expect(tasks[1].targetId).toBe(await target("NEW_ADVANCED_NTM_COMMUNES"));
      const allDistricts = await ids([...["058", ...huyen].map((c) => `UBND-${c}`), "SNN"]);
      for (const t of tasks.slice(0, 2)) {
        expect(await cooperators(t)).toEqual(allDistricts);
        expect(await unitsOf(t)).toEqual([(await unitByCode("06")).id]);
      }

      const three = tasks[2];
      expect(three).toMatchObject({
        quota: "60.00",
        quotaUnit: "thôn",
        targetId: await target("NEW_NTM_VILLAGES"),
      });
      expect(await cooperators(three)).toEqual(await ids(huyen.map((c) => `UBND-${c}`)));
      const districtIds = (await Promise.all(huyen.map((c) => unitByCode(c))))
        .map((u) => u.id)
        .sort((a, b) => a - b);
      expect(await unitsOf(three)).toEqual(districtIds);
      for (const t of tasks.slice(3)) expect(await cooperators(t)).toEqual([]);
    });

    it("keeps funding amounts as exact VND strings", async () => {
      const rows = await ds.getRepository(FundingAllocation).findBy({ planId: (await plan()).id });
      for (const r of rows) expect(typeof r.amountVnd).toBe("string");
      const view = rows
        .map((r) => [r.source, r.amountVnd, r.amountQualifier, r.amountText])
        .sort((a, b) => (BigInt(String(a[1])) < BigInt(String(b[1])) ? -1 : 1));
      expect(view).toEqual([
        ["central_ntm", "862000000", "exact", "862 triệu đồng"],
        ["provincial", "3300000000", "at_least", "trên 3,3 tỷ đồng"],
        ["central_ntm", "7700000000", "at_least", "trên 7,7 tỷ đồng"],
        ["central_three_programs", "863916000000", "exact", null],
      ]);
      const pacNam = rows.find((r) => r.amountVnd === "862000000");
      expect(pacNam?.recipientUnitId).toBe((await unitByCode("060")).id);
      const ngq13 = rows.filter((r) => r.decisionRef === "Nghị quyết 13/NQ-HĐND ngày 18/10/2022");
      expect(ngq13).toHaveLength(2);
      for (const r of ngq13) expect(r.note).toMatch(/'hơn 11 tỷ đồng' \(11000000000 đồng, at least\)/);
    });
  });

  describe("recognitions", () => {
    const recognitionsOf = async (level: RecognitionLevel) => {
      const rows = await ds.getRepository(Recognition).findBy({ level });
      const units = await ds.getRepository(Unit).findBy(rows.map((r) => ({ id: r.unitId })));
      const byId = new Map(units.map((u) => [u.id, u]));
      return rows.map((r) => ({ r, unit: byId.get(r.unitId) as Unit }));
    };

    it("has the end-2021 NTM xã the sources name, fewer than the 21 published, none invented", async () => {
      const xa = (await recognitionsOf(RecognitionLevel.NTM)).filter(
        ({ r, unit }) => unit.type === UnitType.XA && r.revokedOn === null,
      );
      const withYear = xa.filter(({ r }) => r.standardYear !== null && r.standardYear <= 2021);
      const yearUnknown = xa.filter(({ r }) => r.standardYear === null);
      // 13 with the year they met the standard, 6 known to be NTM before 2022 without a year.
      expect(withYear).toHaveLength(13);
      expect(yearUnknown).toHaveLength(6);
      for (const { r } of yearUnknown) expect(r.note).toMatch(/Year the standard was met not found/);
      const named = [...withYear, ...yearUnknown];
      const target = await ds.getRepository(PlanTarget).findOneByOrFail({ code: "NEW_NTM_COMMUNES" });
      expect(target.baseline).toBe("21.00");
      expect(named.length).toBeLessThanOrEqual(21);
      // 17 rest on confirmed evidence; Cẩm Giàng and Nghĩa Tá on uncertain evidence.
      expect(named.filter(({ r }) => r.confidence === Confidence.CONFIRMED)).toHaveLength(17);
      expect(
        named
          .filter(({ r }) => r.confidence === Confidence.UNCERTAIN)
          .map(({ unit }) => unit.name)
          .sort(),
      ).toEqual(["Cẩm Giàng", "Nghĩa Tá"]);
      const recognised2021 = withYear.filter(({ r }) => r.standardYear === 2021).map(({ unit }) => unit.name);
      expect(recognised2021.sort()).toEqual([...REFERENCE.status.end_2021.recognised_in_2021].sort());
      for (const { r } of named) expect(r.decisionNo).toBeNull();
      const nongThuong = named.find(({ unit }) => unit.name === "Nông Thượng");
      expect(nongThuong?.r).toMatchObject({ standardYear: 2017, decidedOn: "2017-12-29" });
    });

    it("has Ngọc Phái recognised for 2022", async () => {
      const ngocPhai = (await recognitionsOf(RecognitionLevel.NTM)).filter(
        ({ unit }) => unit.name === "Ngọc Phái",
      );
      expect(ngocPhai).toHaveLength(1);
      expect(ngocPhai[0].r).toMatchObject({
        standardYear: 2022,
        decidedOn: null,
        confidence: Confidence.CONFIRMED,
      });
    });

    it("has the 2 advanced-NTM xã and the city's completion of the NTM task", async () => {
      const advanced = await recognitionsOf(RecognitionLevel.ADVANCED_NTM);
      expect(advanced.map(({ unit }) => unit.name).sort()).toEqual(["Kim Lư", "Quang Thuận"]);
      const city = await recognitionsOf(RecognitionLevel.DISTRICT_COMPLETION);
      expect(city).toHaveLength(1);
      expect(city[0].unit.code).toBe("058");
      expect(city[0].r).toMatchObject({
        standardYear: 2020,
        decisionNo: "675/QĐ-TTg",
        decidedOn: "2022-06-03",
      });
    });
  });

  it("stores every source code with its citation", async () => {
    const sources = await ds.getRepository(ReferenceSource).find();
    expect(sources).toHaveLength(Object.keys(REFERENCE.sources).length);
    const s17 = sources.find((s) => s.code === "S17");
    expect(s17?.citation).toBe(REFERENCE.sources.S17);
  });

  it("changes nothing when run again: no writes, every table byte-identical", async () => {
    const before = await dumpAllTables(ds);
    db.sql.reset();
    const second = await seedBacKan2022(ds);
    const writes = db.sql.statements.filter((q) => /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(q));
    expect(writes).toEqual([]);
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    const after = await dumpAllTables(ds);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of Object.keys(before))
      expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
  });
});
