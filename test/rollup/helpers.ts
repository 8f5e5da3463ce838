import type { Queue } from "bullmq";

/** Waits until the queue has nothing waiting, delayed or running (bounded: fails after `timeoutMs`). */
export async function waitForIdle(queue: Queue, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
    if (Object.values(c).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue not idle after ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
