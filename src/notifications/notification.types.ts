import { Field, ObjectType } from "type-graphql";
import { Connection } from "../shared/pagination";
import { UserError } from "../shared/user-errors";
import { Notification } from "./notification.entity";

export const NotificationConnection = Connection("Notification", Notification);
export type NotificationConnection = InstanceType<typeof NotificationConnection>;

@ObjectType()
export class MarkNotificationsReadPayload {
  @Field(() => [Notification], {
    description: "The notifications, now read, in the order asked; empty when userErrors is not empty.",
  })
  notifications!: Notification[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}
