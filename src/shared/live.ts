/**
 * Live notifications as every module sees them: the events (ids only) and the per-server hub that
 * turns them into subscription streams. The Redis implementation is notifications/live.ts.
 */

/** Something changed in a user's notifications; published after the change committed. */
export type LiveEvent =
  { type: "added"; userId: number; notificationId: number } | { type: "read"; userId: number };

/** How one subscriber turns a user's events into values. */
export interface LiveFeed<T> {
  /** A value pushed once the stream is listening (before any event), or undefined for none. */
  initial?: () => Promise<T | undefined>;
  /** What an event becomes for this subscriber; undefined pushes nothing. Runs one event at a time. */
  map: (event: LiveEvent) => Promise<T | undefined>;
}

/** One API server's live notifications (its Redis subscriber connection and its listeners). */
export interface LiveNotificationHub {
  /** A stream of one user's events, listening once it resolves; ends when `return()` is called. */
  subscribe<T>(userId: number, feed: LiveFeed<T>): Promise<AsyncIterableIterator<T>>;
  /** Tells every API process about events; never throws (a lost event loses no data). */
  publish(events: readonly LiveEvent[]): Promise<void>;
}
