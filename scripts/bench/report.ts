import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * BENCHMARKS.md is made of sections, one per benchmark, each between markers
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. A benchmark run replaces only its own section,
 * so `npm run bench:reminders` and `npm run bench` can each update the file.
 */
export const BENCHMARKS_FILE = path.join(projectRoot(), "BENCHMARKS.md");

/** The folder holding package.json, from the source (scripts/bench) or the build (dist/scripts/bench). */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/**
 * A benchmark module's contract with `npm run bench` (scripts/bench/index.ts): each module
 * scripts/bench/<name>.ts exports `run(): Promise<BenchSection>` and does not write the file itself
 * when imported; index.ts runs the modules present on disk one after the other and writes each
 * section with `writeSection`. A module's own `bench:<name>` script runs it alone (main guard:
 * `if (require.main === module)`). A section that fails its goal sets `failed` (npm run bench
 * then exits non-zero after writing every section).
 */
export interface BenchModule {
  run(): Promise<BenchSection>;
}

export interface BenchSection {
  /** Marker name, e.g. "reminders". */
  name: string;
  /** Markdown body (starting with a `## ` heading). */
  markdown: string;
  /** Set when a hard budget was exceeded (e.g. SQL statements per request): the run exits non-zero. */
  failed?: string;
}

/** Runs one module as a script: writes its section, exits non-zero when it failed. */
export function runAsScript(run: () => Promise<BenchSection>): void {
  run()
    .then((section) => {
      writeSection(section);
      process.stdout.write(`${section.markdown}\n`);
      if (section.failed) {
        process.stderr.write(`FAILED: ${section.failed}\n`);
        process.exit(1);
      }
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}

function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n")[0];
  } catch {
    return "unknown";
  }
}

/** Machine, versions and date: every section states where its figures come from. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return [
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.cpus().length} × ${cpu}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `${versionOf("mariadb", ["--version"])
        .replace(/^.*Distrib /, "MariaDB ")
        .replace(/,.*$/, "")}, ` +
      `${versionOf("redis-server", ["--version"]).replace(/^Redis server v=(\S+).*/, "Redis $1")}.`,
  ].join("\n");
}

/** A 1-minute load average above this when a section starts means other work shares the machine. */
export const BUSY_LOAD = 1.5;

/**
 * The load average at a section's start and end. Only the start tells of other work: by the end
 * the average counts the section's own processes (servers, MariaDB, autocannon) driven at full speed.
 */
export function loadLine(loadAtStart: number, loadAtEnd = os.loadavg()[0]): string {
  return (
    `Load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end ` +
    `(the benchmark's own processes included) on ${os.cpus().length} cores.`
  );
}

export function writeSection(section: BenchSection, file = BENCHMARKS_FILE): void {
  const start = `<!-- bench:${section.name} -->`;
  const end = `<!-- /bench:${section.name} -->`;
  const block = `${start}\n${section.markdown.trim()}\n${end}`;
  let text = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nWritten by `npm run bench` (all) or `npm run bench:NAME` (one section). " +
      "Ratios are measured side by side in one run; figures are medians.\n";
  const at = text.indexOf(start);
  const stop = text.indexOf(end);
  if (at >= 0 && stop > at) text = text.slice(0, at) + block + text.slice(stop + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The q-quantile (0..1) of a non-empty list, nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
