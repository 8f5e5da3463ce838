/**
 * The API side of the queue: `scheduleAssignmentReminders` runs after a commit, so it must never
 * fail the request nor hang it, whatever Redis does.
 */
import { withTransaction } from "../../src/db/transaction";
import {
  createReminderQueue,
  scheduleAssignmentReminders,
  scheduleRemindersAfterCommit,
} from "../../src/reminders/reminder-queue";
import { createTestDb } from "../helpers/db";
import { RECONCILE_REMINDERS } from "../../src/reminders/jobs/reconcile.job";
import { loadConfig } from "../../src/config/env";

describe("scheduleAssignmentReminders (producer side)", () => {
  it("adds one reconcile job for the assignment (ids only)", async () => {
    const prefix = `ntm_producer_${Date.now().toString(36)}`;
    const queue = createReminderQueue({ ...loadConfig(process.env), redisPrefix: prefix }, "producer");
    try {
      expect(await scheduleAssignmentReminders(queue, 42)).toBe(true);
      const jobs = await queue.getJobs(["waiting"]);
      expect(jobs.map((j) => [j.name, j.data])).toEqual([[RECONCILE_REMINDERS, { assignmentId: 42 }]]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("answers false, quickly and without throwing, when Redis does not answer", async () => {
    const queue = createReminderQueue(
      { redisUrl: "redis://127.0.0.1:1", redisPrefix: "ntm_nowhere" },
      "producer",
    );
    try {
      const started = Date.now();
      expect(await scheduleAssignmentReminders(queue, 42, { timeoutMs: 300 })).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await queue.close();
    }
  });

  it("scheduleRemindersAfterCommit enqueues once the transaction commits, and never after a rollback", async () => {
    const db = await createTestDb({ migrate: false });
    const queue = createReminderQueue(db.config, "producer");
    const waiting = async () =>
      (await queue.getJobs(["waiting"]))
        .map((j) => ("assignmentId" in j.data ? j.data.assignmentId : null))
        .sort();
    try {
      await withTransaction(db.ds, async (uow) => {
        scheduleRemindersAfterCommit(uow, queue, [7, 8, 7]);
        expect(await waiting()).toEqual([]); // nothing before the commit
      });
      expect(await waiting()).toEqual([7, 8]);
      await expect(
        withTransaction(db.ds, async (uow) => {
          scheduleRemindersAfterCommit(uow, queue, [9]);
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      expect(await waiting()).toHaveLength(2);
      await withTransaction(db.ds, async (uow) => scheduleRemindersAfterCommit(uow, null, [10]));
      expect(await waiting()).toHaveLength(2);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await db.drop();
    }
  });
});
