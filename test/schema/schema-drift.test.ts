import { readFileSync } from "node:fs";
import path from "node:path";
import { printSortedSchema } from "../../src/app/schema-sdl";

describe("schema/schema.graphql", () => {
  it("matches the schema the code builds (run `npm run schema:emit` after changing the API)", async () => {
    const committed = readFileSync(path.resolve(__dirname, "../../schema/schema.graphql"), "utf8");
    expect(await printSortedSchema()).toBe(committed);
  });
});
