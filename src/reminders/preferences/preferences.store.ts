/** Reading users' reminder preferences from MariaDB (a user without a row has the defaults). */
import type { EntityManager } from "typeorm";
import { EmailMode, NotificationPreferences } from "./notification-preferences.entity";
import { DEFAULT_PREFERENCES, type Preferences, preferencesFromRow } from "./preferences";

/** The preferences of some users, by user id (the defaults for users without a row). */
export async function loadPreferences(
  m: EntityManager,
  userIds: readonly number[],
): Promise<Map<number, Preferences>> {
  const ids = [...new Set(userIds)];
  const rows = ids.length
    ? await m
        .getRepository(NotificationPreferences)
        .createQueryBuilder("p")
        .where("p.user_id IN (:...ids)", { ids })
        .getMany()
    : [];
  const byUser = new Map(rows.map((r) => [r.userId, preferencesFromRow(r)]));
  return new Map(ids.map((id) => [id, byUser.get(id) ?? DEFAULT_PREFERENCES]));
}

/** Active users with an address who chose the daily digest, with their preferences. */
export async function digestSubscribers(
  m: EntityManager,
): Promise<Array<{ userId: number; prefs: Preferences }>> {
  const rows: Array<Record<string, number | string | null>> = await m.query(
    `SELECT p.user_id, p.email_enabled, p.email_mode, p.digest_local_hour, p.quiet_start_hour, p.quiet_end_hour
     FROM notification_preferences p JOIN app_user u ON u.id = p.user_id
     WHERE p.email_mode = ? AND p.email_enabled = 1 AND u.status = 'active'
       AND u.email IS NOT NULL AND u.email <> ''
     ORDER BY p.user_id`,
    [EmailMode.DIGEST],
  );
  return rows.map((r) => ({
    userId: Number(r.user_id),
    prefs: preferencesFromRow({
      emailEnabled: Number(r.email_enabled),
      emailMode: String(r.email_mode),
      digestLocalHour: Number(r.digest_local_hour),
      quietStartHour: r.quiet_start_hour === null ? null : Number(r.quiet_start_hour),
      quietEndHour: r.quiet_end_hour === null ? null : Number(r.quiet_end_hour),
    }),
  }));
}
