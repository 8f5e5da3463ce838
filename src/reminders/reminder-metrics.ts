/**
 * Counters of the reminders worker, in prom-client's default registry (so a /metrics endpoint
 * exposes them as soon as one is served): jobs BullMQ gave up on after their last attempt, by job
 * name. A send-reminder given up on is an e-mail (or a webhook enqueue) that never went out.
 */
import { Counter } from "prom-client";

const NAME = "ntm_reminder_jobs_given_up_total";

function counter(): Counter<"job"> {
  return new Counter({
    name: NAME,
    help: "Reminder-queue jobs that failed their last attempt (send-reminder: an e-mail not delivered)",
    labelNames: ["job"],
  });
}

let jobsGivenUp: Counter<"job"> | null = null;

/** Counts one job given up on; also readable in tests through `givenUpCount`. */
export function countGivenUp(jobName: string): void {
  jobsGivenUp ??= counter();
  jobsGivenUp.inc({ job: jobName });
}

/** How many jobs of `jobName` this process gave up on. */
export async function givenUpCount(jobName: string): Promise<number> {
  if (!jobsGivenUp) return 0;
  const { values } = await jobsGivenUp.get();
  return values.find((v) => v.labels.job === jobName)?.value ?? 0;
}
