/** The daily snapshot: today's figures of every plan copied to progress_snapshot (idempotent). */
import { snapshotAllPlans, type RollupDeps } from "../rollup.service";

export const SNAPSHOT_PROGRESS = "snapshot-progress" as const;

export type SnapshotProgressPayload = Record<string, never>;

export async function handleSnapshotProgress(deps: RollupDeps): Promise<{ date: string }> {
  return { date: await snapshotAllPlans(deps) };
}
