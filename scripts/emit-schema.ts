/** Writes schema/schema.graphql from the code (npm run schema:emit). */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { printSortedSchema } from "../src/app/schema-sdl";

void printSortedSchema().then((sdl) => {
  const file = path.resolve(__dirname, "../../schema/schema.graphql");
  writeFileSync(file, sdl, "utf8");
  process.stdout.write(`wrote ${file}\n`);
});
