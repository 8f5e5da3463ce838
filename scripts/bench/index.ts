/**
 * `npm run bench`: runs every benchmark section present on disk, one after the other, and writes
 * each into BENCHMARKS.md. A module is scripts/bench/<name>.ts exporting `run(): Promise<BenchSection>`
 * (report.ts BenchModule); the reminder and roll-up benchmarks join as soon as their files exist.
 * Exits non-zero when a section fails its budget or throws, after running all the others.
 */
import "reflect-metadata";
import { existsSync } from "node:fs";
import path from "node:path";
import { type BenchModule, writeSection } from "./report";

/** Run order: the cheap, deterministic sections first. */
export const SECTIONS = ["sql", "framework", "api", "reminders", "rollup"] as const;

async function main(): Promise<void> {
  const problems: string[] = [];
  for (const name of SECTIONS) {
    const file = path.join(__dirname, `${name}.js`);
    if (!existsSync(file)) {
      process.stdout.write(`bench: ${name}: not on disk, skipped\n`);
      continue;
    }
    const started = Date.now();
    process.stdout.write(`bench: ${name}: running\n`);
    try {
      const mod = (await import(file)) as Partial<BenchModule>;
      if (typeof mod.run !== "function") throw new Error(`${name}.js exports no run()`);
      const section = await mod.run();
      writeSection(section);
      if (section.failed) problems.push(`${name}: ${section.failed}`);
      process.stdout.write(`bench: ${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    } catch (err) {
      problems.push(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.stdout.write(`bench: ${name}: FAILED\n`);
    }
  }
  if (problems.length) {
    process.stderr.write(`bench: failures:\n  - ${problems.join("\n  - ")}\n`);
    process.exit(1);
  }
  process.stdout.write("bench: BENCHMARKS.md written\n");
  process.exit(0);
}

if (require.main === module) void main();
