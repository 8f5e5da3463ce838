import { readFileSync } from "node:fs";
import path from "node:path";
import {
  authorizationMatrix,
  matrixMarkdown,
  OPERATIONS,
  RELATIONS,
  RESOURCES,
} from "../../src/app/authorization-matrix";
import { ALL_ROLES } from "../../src/shared/roles";

describe("the authorization matrix", () => {
  it("is committed as docs/authorization-matrix.md, as the policies generate it (npm run matrix:emit)", () => {
    const committed = readFileSync(path.resolve(__dirname, "../../docs/authorization-matrix.md"), "utf8");
    expect(`${matrixMarkdown()}\n`).toBe(committed);
  });

  it("covers every role, resource, operation and relation the world allows", () => {
    const cells = authorizationMatrix();
    for (const role of ALL_ROLES)
      for (const resource of RESOURCES)
        expect(cells.some((c) => c.role === role && c.resource === resource)).toBe(true);
    for (const op of OPERATIONS) expect(cells.some((c) => c.operation === op)).toBe(true);
    for (const rel of RELATIONS) expect(cells.some((c) => c.relation === rel)).toBe(true);
  });

  it("never lets anyone write the audit log, and lets everyone read reference data", () => {
    const cells = authorizationMatrix();
    expect(
      cells.filter(
        (c) => c.resource === "audit_entry" && !["read", "list"].includes(c.operation) && c.allowed,
      ),
    ).toEqual([]);
    expect(
      cells.filter(
        (c) => ["unit", "plan"].includes(c.resource) && ["read", "list"].includes(c.operation) && !c.allowed,
      ),
    ).toEqual([]);
  });

  it("keeps a commune officer out of sibling communes and other districts", () => {
    const cells = authorizationMatrix().filter(
      (c) =>
        c.role === "commune_officer" &&
        ["task", "assignment", "report", "user", "audit_entry"].includes(c.resource),
    );
    expect(
      cells.filter((c) => ["sibling", "other_branch", "ancestor"].includes(c.relation) && c.allowed),
    ).toEqual([]);
  });
});
