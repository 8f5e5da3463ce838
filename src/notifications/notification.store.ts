import { type DataSource, type EntityManager, In, IsNull, type SelectQueryBuilder } from "typeorm";
import { Notification } from "./notification.entity";

/**
 * Writing and reading in-app notifications. A sink: any module may call it, and it imports none
 * of them (the caller brings the text and the link).
 */
export interface NewNotification {
  userId: number;
  /** What produced it, e.g. "reminder.before_3". */
  kind: string;
  title: string;
  body: string;
  /** Global ID of the object it is about, or null. */
  link: string | null;
}

export const MAX_TITLE = 255;

function fitTitle(title: string): string {
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

/** Inserts one notification in the caller's transaction; returns its id. */
export async function insertNotification(manager: EntityManager, n: NewNotification): Promise<number> {
  const res = await manager
    .getRepository(Notification)
    .insert({ ...n, title: fitTitle(n.title), readAt: null });
  return Number(res.identifiers[0].id);
}

/**
 * Inserts notifications in the caller's transaction with one statement; returns their ids in the
 * order given (MariaDB's INSERT … RETURNING returns the rows in the order they were inserted).
 */
export async function insertNotifications(
  manager: EntityManager,
  ns: readonly NewNotification[],
): Promise<number[]> {
  if (ns.length === 0) return [];
  const rows: Array<{ id: number | string }> = await manager.query(
    `INSERT INTO notification (user_id, kind, title, body, link)
     VALUES ${ns.map(() => "(?, ?, ?, ?, ?)").join(", ")} RETURNING id`,
    ns.flatMap((n) => [n.userId, n.kind, fitTitle(n.title), n.body, n.link]),
  );
  if (rows.length !== ns.length) throw new Error(`inserted ${rows.length} notifications of ${ns.length}`);
  return rows.map((r) => Number(r.id));
}

/** A user's notifications, for paginating (alias "n"). */
export function notificationsOf(
  ds: DataSource,
  userId: number,
  unreadOnly: boolean,
): SelectQueryBuilder<Notification> {
  const qb = ds.getRepository(Notification).createQueryBuilder("n").where("n.user_id = :userId", { userId });
  if (unreadOnly) qb.andWhere("n.read_at IS NULL");
  return qb;
}

export async function unreadCount(ds: DataSource, userId: number): Promise<number> {
  return ds.getRepository(Notification).countBy({ userId, readAt: IsNull() });
}

/** The user's own notifications among `ids` (others' and missing ones are left out). */
export async function ownNotifications(
  manager: EntityManager,
  userId: number,
  ids: number[],
): Promise<Notification[]> {
  if (ids.length === 0) return [];
  return manager.getRepository(Notification).findBy({ id: In(ids), userId });
}

/** Marks the user's unread notifications among `ids` read at `at`; already read ones keep their time. */
export async function markRead(
  manager: EntityManager,
  userId: number,
  ids: number[],
  at: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await manager
    .createQueryBuilder()
    .update(Notification)
    .set({ readAt: at })
    .where("id IN (:...ids) AND user_id = :userId AND read_at IS NULL", { ids, userId })
    .execute();
}
