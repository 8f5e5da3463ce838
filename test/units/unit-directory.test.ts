import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { toGlobalId } from "../../src/shared/ids";
import type { ConnectionArgs, Page } from "../../src/shared/pagination";
import { paginate } from "../../src/shared/pagination";
import { unitDirectoryOf, unitsChanged, UnitSnapshot } from "../../src/units/unit.directory";
import { Unit } from "../../src/units/unit.entity";
import { UnitLevel, UnitType } from "../../src/units/unit.enums";
import type { UnitFilter } from "../../src/units/unit.inputs";
import { listUnitsInMemory } from "../../src/units/unit.list";
import { UNIT_SORT, unitListQuery } from "../../src/units/unit.queries";
import { makeUnit } from "../factories";
import { startOtherApi, startTestApp, type TestApp } from "../helpers/server";

/**
 * The administrative units held in memory (src/units/unit.directory.ts, unit.list.ts) against
 * the SQL they replace, on the seeded Bắc Kạn tree plus units made to probe the edges; and how
 * fast a change reaches them: at once in the process that made it, by Redis notice in another,
 * and within UNIT_CACHE_SECONDS when nobody announces it.
 */

const UNITS = `query($first: Int!, $after: String, $f: UnitFilter) {
  units(first: $first, after: $after, filter: $f) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }`;

type ApiPage = {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string; name: string } }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
};

/** What a client sees of a page: ids, names, cursors, count and page info. */
function visible(page: Page<Unit>): ApiPage {
  return {
    totalCount: page.totalCount,
    edges: page.edges.map((e) => ({ cursor: e.cursor, node: { id: e.node.globalId, name: e.node.name } })),
    pageInfo: page.pageInfo,
  };
}

describe("units in memory", () => {
  let app: TestApp;
  let snapshot: UnitSnapshot;
  let province: Unit;
  let district: Unit;

  const sqlPage = async (filter: UnitFilter | null, args: ConnectionArgs): Promise<ApiPage> =>
    visible(await paginate(unitListQuery(app.db.ds, filter), UNIT_SORT, args, true));
  const memoryPage = (filter: UnitFilter | null, args: ConnectionArgs): ApiPage | null => {
    const page = listUnitsInMemory(snapshot, filter, args, true);
    return page && visible(page);
  };
  const takeSnapshot = async () => {
    const s = await unitDirectoryOf(app.db.ds)!.snapshot(app.clock.now());
    if (!s) throw new Error("no snapshot");
    snapshot = s;
  };

  beforeAll(async () => {
    app = await startTestApp();
    await seedBacKan2022(app.db.ds);
    const units = app.db.ds.getRepository(Unit);
    province = await units.findOneByOrFail({ code: "06", level: UnitLevel.PROVINCE });
    district = await units.findOneByOrFail({ code: "058" });
    // Edge cases beside the seeded data: a code in other case and with a trailing space, a name
    // with LIKE's wildcards, a village without code, a unit that closed and one that opened.
    await makeUnit(app.db.ds, { name: "Thôn 100% Na_Rì", type: UnitType.THON, parent: district, code: null });
    await makeUnit(app.db.ds, { name: "Khuổi Bốc", type: UnitType.THON, parent: district, code: "ab12" });
    await makeUnit(app.db.ds, { name: "Bản Cáu", type: UnitType.THON, parent: district, code: "AB13 " });
    await makeUnit(app.db.ds, {
      name: "Nà Cù",
      type: UnitType.XA,
      parent: district,
      validFrom: "2019-01-01",
      validTo: "2020-01-31",
      speciallyDifficult: true,
    });
    await takeSnapshot();
  });
  afterAll(async () => {
    await app.close();
  });

  describe("answer exactly as the SQL path does", () => {
    const filters = (): Array<UnitFilter | null> => [
      null,
      {},
      { level: UnitLevel.PROVINCE },
      { level: UnitLevel.DISTRICT },
      { level: UnitLevel.COMMUNE, validOn: "2022-12-31" },
      { level: UnitLevel.VILLAGE },
      { types: [UnitType.XA] },
      { types: [UnitType.PHUONG, UnitType.THI_TRAN] },
      { parentId: toGlobalId("Unit", district.id) },
      { parentId: toGlobalId("Unit", 999_999) },
      { withinId: toGlobalId("Unit", province.id) },
      { withinId: toGlobalId("Unit", district.id), level: UnitLevel.VILLAGE },
      { withinId: toGlobalId("Unit", 999_999) },
      { code: "06" },
      { code: "AB12" },
      { code: "ab13" },
      { code: "ab13   " },
      { code: "nope" },
      { search: "bac kan" },
      { search: "Bắc Kạn" },
      { search: "BẮC" },
      { search: "xa" },
      { search: "xã" },
      { search: "cho don" },
      { search: "100%" },
      { search: "na_ri" },
      { search: "_" },
      { search: "%" },
      { search: "\\" },
      { search: "  " },
      { search: "van tung" },
      { validOn: "2020-01-31" },
      { validOn: "2020-02-01" },
      { validOn: "2023-04-09" },
      { validOn: "2023-04-10" },
      { validOn: "2026-01-01" },
      { speciallyDifficult: true },
      { speciallyDifficult: false },
      { speciallyDifficult: true, validOn: "2022-06-01" },
      { search: "na", types: [UnitType.XA, UnitType.THON], withinId: toGlobalId("Unit", district.id) },
    ];

    it("on every page of every filter, at several page sizes", async () => {
      let compared = 0;
      for (const filter of filters()) {
        for (const first of [1, 7, 100]) {
          let after: string | null = null;
          for (let pages = 0; pages < 200; pages++) {
            const args: ConnectionArgs = { first, after };
            const sql = await sqlPage(filter, args);
            expect({ filter, first, after, page: memoryPage(filter, args) }).toEqual({
              filter,
              first,
              after,
              page: sql,
            });
            compared += 1;
            if (!sql.pageInfo.hasNextPage) break;
            after = sql.pageInfo.endCursor;
          }
        }
      }
      expect(compared).toBeGreaterThan(200);
    });

    it("refuses the same bad input with the same errors", async () => {
      const cases: Array<[UnitFilter | null, ConnectionArgs]> = [
        [null, { first: 0 }],
        [null, { first: 101 }],
        [null, { first: 5, after: "not a cursor!" }],
        [null, { first: 5, after: Buffer.from('{"s":"other","v":[1,"a",1]}').toString("base64url") }],
        [{ parentId: toGlobalId("Task", 1) }, { first: 5 }],
        [{ withinId: "bogus" }, { first: 5 }],
        [{ validOn: "1800-01-01" }, { first: 5 }],
        [{ validOn: "1800-01-01" }, { first: 0 }],
      ];
      for (const [filter, args] of cases) {
        const sqlError = await sqlPage(filter, args).then(
          () => null,
          (e: Error) => e,
        );
        expect(sqlError).not.toBeNull();
        expect(() => memoryPage(filter, args)).toThrow(sqlError!.message);
      }
    });

    it("hands back to MariaDB what only its collation can say", async () => {
      // A cursor naming a unit whose name has changed since: its place needs MariaDB's collation.
      const [first] = (await sqlPage(null, { first: 1 })).edges;
      expect(first.node.id).toBe(toGlobalId("Unit", province.id));
      const moved = Buffer.from(JSON.stringify({ s: UNIT_SORT.name, v: [0, "zzz", province.id] })).toString(
        "base64url",
      );
      expect(memoryPage(null, { first: 5, after: moved })).toBeNull();
      expect(memoryPage(null, { first: 5, after: first.cursor })).not.toBeNull();
      // Text outside printable ASCII where MariaDB compares with utf8mb4_unicode_ci.
      expect(memoryPage({ search: "ø" }, { first: 5 })).toBeNull();
      expect(memoryPage({ code: "０６" }, { first: 5 })).toBeNull();
    });

    it("through the API: the same pages, and no statement for the units or the viewer", async () => {
      const q = async (vars: Record<string, unknown>) => {
        const r = await app.gql<{ units: ApiPage }>(UNITS, vars);
        expect(r.errors).toBeUndefined();
        return r.data!.units;
      };
      const filter = { withinId: toGlobalId("Unit", province.id), validOn: "2022-12-31" };
      await q({ first: 10, f: filter }); // the admin's session checked, the snapshot current
      app.db.sql.reset();
      const pages: Array<[string | null, ApiPage]> = [];
      let after: string | null = null;
      for (;;) {
        const page = await q({ first: 25, after, f: filter });
        pages.push([after, page]);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(app.db.sql.statements).toEqual([]);
      expect(pages.length).toBeGreaterThan(3);
      for (const [cursor, page] of pages)
        expect(page).toEqual(await sqlPage(filter, { first: 25, after: cursor }));
    });
  });

  describe("see changes", () => {
    const nameOf = async (id: number): Promise<string> => {
      const r = await app.gql<{ unit: { name: string } }>(`query($id: ID!) { unit(id: $id) { name } }`, {
        id: toGlobalId("Unit", id),
      });
      expect(r.errors).toBeUndefined();
      return r.data!.unit.name;
    };

    it("at once after a rename and a merge made in this process", async () => {
      const [a, b] = await app.db.ds
        .getRepository(Unit)
        .find({ where: { parentId: district.id }, order: { id: "ASC" }, take: 2 });
      expect(await nameOf(a.id)).toBe(a.name);
      await app.db.ds.transaction(async (m) => {
        await m.getRepository(Unit).update(a.id, { name: "Tân Đổi Tên", nameFolded: "tan doi ten" });
      });
      unitsChanged(app.db.ds); // what a writer in the API process calls after commit
      expect(await nameOf(a.id)).toBe("Tân Đổi Tên");

      // A merge: b closes on 30/06/2025 and points at its successor.
      const merged = await app.db.ds.transaction(async (m) => {
        const units = m.getRepository(Unit);
        const successor = await units.save(
          units.create({
            ...b,
            id: undefined,
            name: "Hợp Nhất",
            fullName: "Xã Hợp Nhất",
            nameFolded: "hop nhat",
            nameLower: "hợp nhất",
            code: null,
            validFrom: "2025-07-01",
            validTo: null,
            successorId: null,
          }),
        );
        await units.update(successor.id, { path: `${district.path}${successor.id}/` });
        await units.update(b.id, { validTo: "2025-06-30", successorId: successor.id });
        return successor;
      });
      unitsChanged(app.db.ds);
      const r = await app.gql<{ unit: { validTo: string; successor: { name: string } } }>(
        `query($id: ID!) { unit(id: $id) { validTo successor { name } } }`,
        { id: toGlobalId("Unit", b.id) },
      );
      expect(r.data!.unit).toEqual({ validTo: "2025-06-30", successor: { name: "Hợp Nhất" } });
      for (const validOn of ["2025-06-30", "2025-07-01"]) {
        const filter = { parentId: toGlobalId("Unit", district.id), validOn };
        const api = await app.gql<{ units: ApiPage }>(UNITS, { first: 100, f: filter });
        expect(api.data!.units).toEqual(await sqlPage(filter, { first: 100 }));
      }
      expect(merged.id).toBeGreaterThan(b.id);
    });

    it("within UNIT_CACHE_SECONDS after an UPDATE typed by hand in another process", async () => {
      const unit = await app.db.ds.getRepository(Unit).findOneByOrFail({ code: "ab12" });
      expect(await nameOf(unit.id)).toBe("Khuổi Bốc");
      const { host, port, user, password, name } = app.db.config.database;
      await promisify(execFile)("mariadb", [
        `-h${host}`,
        `-P${port}`,
        `-u${user}`,
        ...(password ? [`-p${password}`] : []),
        name,
        "-e",
        `UPDATE admin_unit SET name = 'Khuổi Sửa' WHERE id = ${unit.id}`,
      ]);
      // Nobody announced it: this process keeps its copy until the version is due for a check.
      expect(await nameOf(unit.id)).toBe("Khuổi Bốc");
      const start = app.clock.now();
      try {
        app.clock.set(new Date(start.getTime() + app.db.config.caches.unitSeconds * 1000));
        app.db.sql.reset();
        expect(await nameOf(unit.id)).toBe("Khuổi Sửa");
        // The version check, then the reload (in one transaction).
        expect(app.db.sql.statements.some((s) => s.includes("cache_version"))).toBe(true);
      } finally {
        app.clock.set(start);
      }
    });

    it("by Redis notice when another API process changes them", async () => {
      const other = await startOtherApi(app);
      try {
        const unit = await app.db.ds.getRepository(Unit).findOneByOrFail({ code: "ab12" });
        const before = await nameOf(unit.id);
        // The other process renames it, drops its own copy and tells the others.
        await other.ds.getRepository(Unit).update(unit.id, { name: "Khuổi Mới" });
        unitsChanged(other.ds);
        await other.server.caches.unitsChanged();
        // This process drops its copy when the notice arrives (the clock does not move).
        const deadline = Date.now() + 10_000;
        let seen = before;
        while (seen !== "Khuổi Mới" && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
          seen = await nameOf(unit.id);
        }
        expect(seen).toBe("Khuổi Mới");
      } finally {
        await other.close();
      }
    });
  });

  it("a snapshot is frozen: requests cannot change what others read", () => {
    const unit = snapshot.rows[0].unit;
    expect(Object.isFrozen(unit)).toBe(true);
    expect(() => {
      (unit as { name: string }).name = "x";
    }).toThrow(TypeError);
  });
});
