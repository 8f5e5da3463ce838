/**
 * `npm run bench`: runs every benchmark section present on disk, one after the other, and writes
 * each into BENCHMARKS.md. A module is scripts/bench/<name>.ts exporting `run(): Promise<BenchSection>`
 * (report.ts BenchModule); the reminder and roll-up benchmarks join as soon as their files exist.
 * Exits non-zero when a section fails its budget or throws, after running all the others.
 */
import "reflect-metadata";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BenchModule, writeSection } from "./report";

/** Run order: the cheap, deterministic sections first. */
export const SECTIONS = ["sql", "framework", "api", "reminders", "rollup"] as const;

/**
 * Waits (at most `maxMs`) for the 1-minute load average to fall to `below`. The sections note the
 * load average as a sign of other work on the machine; right after a section that drove its
 * servers at full speed it still counts that section's load for a minute or two, so each section
 * starts once it has decayed (or, when other work keeps it up, after `maxMs`, and says so).
 */
async function settle(below = 1, maxMs = 150_000): Promise<void> {
  const started = Date.now();
  while (os.loadavg()[0] > below && Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const waited = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`bench: load average ${os.loadavg()[0].toFixed(1)} after waiting ${waited} s\n`);
}

async function main(): Promise<void> {
  const problems: string[] = [];
  for (const name of SECTIONS) {
    const file = path.join(__dirname, `${name}.js`);
    if (!existsSync(file)) {
      process.stdout.write(`bench: ${name}: not on disk, skipped\n`);
      continue;
    }
    await settle();
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
