import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { UserError } from "../../shared/user-errors";
import { EmailMode } from "./notification-preferences.entity";
import type { Preferences } from "./preferences";

registerEnumType(EmailMode, {
  name: "EmailMode",
  description:
    "IMMEDIATE: one e-mail per reminder; DIGEST: one e-mail a working day listing the work due soon, due today and overdue.",
});

@ObjectType("NotificationPreferences", {
  description:
    "How a user hears about deadlines. In-app notifications are always recorded; these settings decide the e-mails. Hours are local hours in Asia/Ho_Chi_Minh.",
})
export class NotificationPreferencesView {
  @Field({ description: "Always true: reminders are always recorded in the app." })
  inApp!: boolean;

  @Field({ description: "Reminders are also e-mailed (to the account's address, when SMTP is configured)." })
  emailEnabled!: boolean;

  @Field(() => EmailMode)
  emailMode!: EmailMode;

  @Field(() => Int, { description: "Local hour (0–23) the daily digest goes out at, on working days." })
  digestLocalHour!: number;

  @Field(() => Int, {
    nullable: true,
    description: "Quiet hours start (local hour, 0–23): no e-mail from then until quietHoursEnd; null: none.",
  })
  quietHoursStart!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Quiet hours end (exclusive; before the start: they wrap midnight). E-mails held back go out then.",
  })
  quietHoursEnd!: number | null;

  @Field({ description: "The time zone of the hours (the plans' time zone)." })
  timeZone!: string;

  @Field({ description: "True while the user has never set them (these are the defaults)." })
  isDefault!: boolean;

  @Field(() => Int, { description: "Send it back with a change; 0 while isDefault." })
  version!: number;
}

export function preferencesView(
  p: Preferences,
  version: number,
  timeZone: string,
): NotificationPreferencesView {
  return {
    inApp: true,
    emailEnabled: p.emailEnabled,
    emailMode: p.emailMode,
    digestLocalHour: p.digestLocalHour,
    quietHoursStart: p.quietHours?.start ?? null,
    quietHoursEnd: p.quietHours?.end ?? null,
    timeZone,
    isDefault: version === 0,
    version,
  };
}

@InputType({ description: "A user's notification preferences, replaced as a whole." })
export class UpdateNotificationPreferencesInput {
  @Field(() => ID, {
    nullable: true,
    description: "Whose preferences: yourself when omitted; another user's for a system administrator only.",
  })
  userId?: string | null;

  @Field(() => Int, { description: "The version you read (0 while isDefault)." })
  version!: number;

  @Field()
  emailEnabled!: boolean;

  @Field(() => EmailMode)
  emailMode!: EmailMode;

  @Field(() => Int, { description: "0–23; must lie outside the quiet hours when emailMode is DIGEST." })
  digestLocalHour!: number;

  @Field(() => Int, { nullable: true, description: "0–23, with quietHoursEnd; null (both) for none." })
  quietHoursStart?: number | null;

  @Field(() => Int, { nullable: true, description: "0–23, different from quietHoursStart." })
  quietHoursEnd?: number | null;
}

@ObjectType()
export class NotificationPreferencesPayload {
  @Field(() => NotificationPreferencesView, {
    nullable: true,
    description: "The preferences after the change; null when userErrors is not empty.",
  })
  preferences!: NotificationPreferencesView | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
