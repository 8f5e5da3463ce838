import { unitsChanged } from "../../src/units/unit.directory";
import { UnitType } from "../../src/units/unit.enums";
import { toGlobalId } from "../../src/shared/ids";
import { makeOrg, makeTree, makeUnit, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

describe("units: tree, search, history", () => {
  let app: TestApp;
  let tree: Tree;
  beforeAll(async () => {
    app = await startTestApp();
    tree = await makeTree(app.db.ds, 2, 3, 2, "Cây");
    // Vietnamese names to search for, and a unit that changed type.
    await makeUnit(app.db.ds, { name: "Bằng Vân", type: UnitType.XA, parent: tree.districts[0] });
    const oldVanTung = await makeUnit(app.db.ds, {
      name: "Vân Tùng",
      type: UnitType.XA,
      parent: tree.districts[1],
      code: "01990",
      validFrom: "2020-02-01",
      validTo: "2023-04-09",
    });
    const newVanTung = await makeUnit(app.db.ds, {
      name: "Vân Tùng",
      type: UnitType.THI_TRAN,
      parent: tree.districts[1],
      code: "01990",
      validFrom: "2023-04-10",
    });
    await app.db.ds.getRepository("Unit").update(oldVanTung.id, { successorId: newVanTung.id });
    unitsChanged(app.db.ds);
    await makeOrg(app.db.ds, { unit: tree.districts[0], name: "Ủy ban nhân dân huyện Cây 1" });
  });
  afterAll(async () => {
    await app.close();
  });

  it("walks the tree: children, parent, ancestors", async () => {
    const r = await app.gql<{
      unit: {
        name: string;
        children: Array<{ name: string; parent: { id: string }; ancestors: Array<{ name: string }> }>;
      };
    }>(`query($id: ID!) { unit(id: $id) { name children { name parent { id } ancestors { name } } } }`, {
      id: toGlobalId("Unit", tree.districts[0].id),
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.unit.name).toBe("Cây Huyện 1");
    const names = r.data!.unit.children.map((c) => c.name);
    expect(names).toEqual(["Bằng Vân", "Cây Xã 1.1", "Cây Xã 1.2", "Cây Xã 1.3"]);
    for (const c of r.data!.unit.children) {
      expect(c.parent.id).toBe(toGlobalId("Unit", tree.districts[0].id));
      expect(c.ancestors.map((a) => a.name)).toEqual([tree.province.name, "Cây Huyện 1"]);
    }
  });

  it("searches names with and without diacritics", async () => {
    const q = `query($s: String!) { units(first: 10, filter: { search: $s }) { totalCount nodes { name } } }`;
    const folded = await app.gql<{ units: { totalCount: number; nodes: Array<{ name: string }> } }>(q, {
      s: "bang van",
    });
    expect(folded.data!.units.nodes.map((n) => n.name)).toEqual(["Bằng Vân"]);
    const exact = await app.gql<{ units: { nodes: Array<{ name: string }> } }>(q, { s: "Bằng Vân" });
    expect(exact.data!.units.nodes.map((n) => n.name)).toEqual(["Bằng Vân"]);
    // With diacritics the marks must match: "Băng" is not "Bằng".
    const wrongMarks = await app.gql<{ units: { totalCount: number } }>(q, { s: "Băng Vân" });
    expect(wrongMarks.data!.units.totalCount).toBe(0);
    // LIKE wildcards in the input are literal.
    const wildcard = await app.gql<{ units: { totalCount: number } }>(q, { s: "%" });
    expect(wildcard.data!.units.totalCount).toBe(0);
  });

  it("filters by subtree, level and type", async () => {
    const r = await app.gql<{ units: { totalCount: number; nodes: Array<{ level: string }> } }>(
      `query($w: ID!) { units(first: 100, filter: { withinId: $w, level: VILLAGE }) { totalCount nodes { level } } }`,
      { w: toGlobalId("Unit", tree.districts[1].id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.units.totalCount).toBe(6);
    expect(new Set(r.data!.units.nodes.map((n) => n.level))).toEqual(new Set(["VILLAGE"]));
    const xa = await app.gql<{ units: { totalCount: number } }>(
      `query($w: ID!) { units(first: 1, filter: { withinId: $w, types: [XA] }) { totalCount } }`,
      { w: toGlobalId("Unit", tree.province.id) },
    );
    expect(xa.data!.units.totalCount).toBe(2 * 3 + 2); // the tree's xã, Bằng Vân, the old xã Vân Tùng
  });

  it("keeps history readable: validOn picks the unit as it was, successor links the two", async () => {
    const q = `query($on: LocalDate) { units(first: 10, filter: { search: "van tung", validOn: $on }) { nodes { type validFrom validTo successor { type } } } }`;
    const in2022 = await app.gql<{
      units: { nodes: Array<{ type: string; successor: { type: string } | null }> };
    }>(q, {
      on: "2022-12-31",
    });
    expect(in2022.data!.units.nodes).toEqual([
      { type: "XA", validFrom: "2020-02-01", validTo: "2023-04-09", successor: { type: "THI_TRAN" } },
    ]);
    const in2024 = await app.gql<{ units: { nodes: Array<{ type: string }> } }>(q, { on: "2024-01-01" });
    expect(in2024.data!.units.nodes.map((n) => n.type)).toEqual(["THI_TRAN"]);
    const all = await app.gql<{ units: { nodes: Array<{ type: string }> } }>(q, {});
    expect(all.data!.units.nodes).toHaveLength(2);
  });

  it("lists organizations of a unit and finds them without diacritics", async () => {
    const r = await app.gql<{ organizations: { nodes: Array<{ name: string; unit: { name: string } }> } }>(
      `{ organizations(first: 5, filter: { search: "uy ban nhan dan huyen cay" }) { nodes { name unit { name } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.organizations.nodes).toEqual([
      { name: "Ủy ban nhân dân huyện Cây 1", unit: { name: "Cây Huyện 1" } },
    ]);
  });
});
