import type DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import type { Redis } from "ioredis";
import type { Config } from "../config/env";
import type { Clock } from "./clock";
import { DomainError, ErrorCode } from "./errors";
import type { LiveNotificationHub } from "./live";
import type { Viewer } from "./viewer";

type LoaderFactory<K, V> = (ctx: Context) => DataLoader<K, V>;

/**
 * Per-request DataLoaders, created on first use. Keyed by the factory function itself, so each
 * module owns its loaders and nothing registers by import side effect or by string name.
 */
export class Loaders {
  private readonly made = new Map<LoaderFactory<unknown, unknown>, DataLoader<unknown, unknown>>();
  constructor(private readonly ctx: () => Context) {}

  get<K, V>(factory: LoaderFactory<K, V>): DataLoader<K, V> {
    let l = this.made.get(factory as LoaderFactory<unknown, unknown>);
    if (!l) {
      l = factory(this.ctx()) as DataLoader<unknown, unknown>;
      this.made.set(factory as LoaderFactory<unknown, unknown>, l);
    }
    return l as DataLoader<K, V>;
  }
}

/** Re-derives the reminders of assignments once a change has committed (the reminders queue). */
export interface ReminderScheduler {
  schedule(assignmentIds: readonly number[]): Promise<unknown>;
}

/** Puts webhook deliveries on the queue after commit (notifications/webhook-events.ts); never throws. */
export type WebhookEnqueue = (deliveryIds: readonly number[], opts?: { retry?: number }) => Promise<unknown>;

/**
 * Recomputes the rolled-up progress figures of units (and their ancestors) once a change has
 * committed: assessments, recognitions, report approvals, assignment states (src/rollup). Never
 * throws; a refused enqueue is caught up by the scheduled full rebuild.
 */
export interface RollupScheduler {
  unitsChanged(unitIds: readonly number[], reason: string): Promise<unknown>;
}

/**
 * What a command calls after committing a change that cached copies depend on: the API process
 * drops its own copies at once and tells the others through Redis (app/caches.ts). Never throws.
 */
export interface CacheInvalidation {
  /** Sessions, roles, status or lock of these users changed: their cached viewers go. */
  usersChanged(userIds: readonly number[]): Promise<void>;
  /** admin_unit changed: the units held in memory go. */
  unitsChanged(): Promise<void>;
}

/** What every resolver receives. Built fresh for each request. */
export interface Context {
  ds: DataSource;
  clock: Clock;
  timeZone: string;
  requestId: string;
  loaders: Loaders;
  config: Config;
  /** Shared Redis connection (login throttling; queues from the reminders work on). */
  redis: Redis;
  /** Schedules reminders after commit; null in a process without a queue (the reconciler catches up). */
  reminders: ReminderScheduler | null;
  /** Sends webhook deliveries after commit; absent in a process without a queue (rows stay pending). */
  webhooks?: WebhookEnqueue | null;
  /** Schedules progress roll-ups after commit; absent in a process without a queue. */
  rollups?: RollupScheduler | null;
  /** Live notifications of this server (subscriptions; publishing after commit); absent elsewhere. */
  live?: LiveNotificationHub | null;
  /** Drops cached viewers and units after a commit; absent in a process that caches nothing. */
  caches?: CacheInvalidation | null;
  /** The signed-in user; null for an anonymous request. */
  viewer: Viewer | null;
  /** The raw Authorization header; the viewer is loaded from it after validation. */
  authorization: string | null;
  /** Client address, for throttling and the audit log. */
  ip: string | null;
}

export function createContext(base: Omit<Context, "loaders">): Context {
  const ctx: Context = { ...base, loaders: undefined as unknown as Loaders };
  ctx.loaders = new Loaders(() => ctx);
  return ctx;
}

/** The viewer of a request that `@Authorized()` already let through. */
export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw new DomainError("Authentication required", ErrorCode.UNAUTHENTICATED);
  return ctx.viewer;
}
