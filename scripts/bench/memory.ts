/**
 * Where a process's resident memory goes, sampled from outside while it runs: VmRSS and the
 * anonymous/file-backed split from /proc (every 100 ms), the V8 heap and external memory from the
 * API's own /metrics (prom-client's Node metrics, every second). The breakdown kept is the one
 * nearest the RSS peak.
 */
import { readFileSync } from "node:fs";
import { rssOf } from "./processes";

export interface MemorySample {
  rss: number;
  /** Anonymous memory (V8 heap, malloc, thread stacks); the rest of the RSS is file-backed (node binary, libraries). */
  anonymous: number;
  heapTotal: number;
  heapUsed: number;
  /** V8's new space (the two semi-spaces), part of heapTotal. */
  newSpace: number;
  external: number;
}

/** Anonymous and total resident bytes of a process (Linux /proc smaps_rollup), or null once it is gone. */
function rollupOf(pid: number): { rss: number; anonymous: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb("Rss"), anonymous: kb("Anonymous") };
  } catch {
    return null;
  }
}

async function heapOf(metricsUrl: string): Promise<Omit<MemorySample, "rss" | "anonymous"> | null> {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
    return {
      heapTotal: value("ntm_nodejs_heap_size_total_bytes"),
      heapUsed: value("ntm_nodejs_heap_size_used_bytes"),
      newSpace: value('ntm_nodejs_heap_space_size_total_bytes\\{space="new"\\}'),
      external: value("ntm_nodejs_external_memory_bytes"),
    };
  } catch {
    return null;
  }
}

/** Samples `pid` until stop() resolves with the peak RSS and the breakdown nearest it. */
export function sampleMemory(
  pid: number,
  metricsUrl: string,
): { stop(): Promise<{ peak: number; atPeak: MemorySample | null }> } {
  let peak = rssOf(pid) ?? 0;
  let heap: Omit<MemorySample, "rss" | "anonymous"> | null = null;
  let atPeak: MemorySample | null = null;
  const fast = setInterval(() => {
    const r = rollupOf(pid);
    if (!r) return;
    if (r.rss >= peak || atPeak === null) {
      peak = Math.max(peak, r.rss);
      if (heap) atPeak = { ...r, ...heap };
    }
  }, 100);
  let scraping: Promise<void> = Promise.resolve();
  const slow = setInterval(() => {
    scraping = heapOf(metricsUrl).then((h) => {
      if (h) heap = h;
    });
  }, 1000);
  return {
    async stop() {
      clearInterval(fast);
      clearInterval(slow);
      await scraping;
      return { peak, atPeak };
    },
  };
}

export function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/** "V8 heap 110 MB (new space 32, used 80), external 3, other anonymous 20, file-backed 45". */
export function describeMemory(s: MemorySample): string {
  const other = s.anonymous - s.heapTotal - s.external;
  return (
    `V8 heap ${mb(s.heapTotal)} MB committed (new space ${mb(s.newSpace)}, in use ${mb(s.heapUsed)}), ` +
    `external ${mb(s.external)} MB, other anonymous memory (malloc, thread stacks, code outside the heap) ${mb(other)} MB, ` +
    `file-backed pages (node binary, shared libraries) ${mb(s.rss - s.anonymous)} MB`
  );
}
