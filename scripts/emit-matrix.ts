/** Writes docs/authorization-matrix.md from the policies (npm run matrix:emit). */
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { matrixMarkdown } from "../src/app/authorization-matrix";

const file = path.resolve(__dirname, "../../docs/authorization-matrix.md");
writeFileSync(file, `${matrixMarkdown()}\n`, "utf8");
process.stdout.write(`wrote ${file}\n`);
