import { MigrationInterface, QueryRunner } from "typeorm";

export class NotificationPreferences1795979448794 implements MigrationInterface {
  name = "NotificationPreferences1795979448794";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`notification_preferences\` (\`user_id\` int UNSIGNED NOT NULL, \`email_enabled\` tinyint NOT NULL DEFAULT 1, \`email_mode\` varchar(16) NOT NULL DEFAULT 'immediate', \`digest_local_hour\` tinyint UNSIGNED NOT NULL DEFAULT '7', \`quiet_start_hour\` tinyint UNSIGNED NULL, \`quiet_end_hour\` tinyint UNSIGNED NULL, \`version\` int UNSIGNED NOT NULL DEFAULT '1', \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), PRIMARY KEY (\`user_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`digest_delivery\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`user_id\` int UNSIGNED NOT NULL, \`digest_date\` date NOT NULL, \`channel\` varchar(16) NOT NULL, \`item_count\` int UNSIGNED NOT NULL DEFAULT '0', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_digest_delivery\` (\`user_id\`, \`digest_date\`, \`channel\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`deferred_email\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assignment_id\` int UNSIGNED NOT NULL, \`kind\` varchar(24) NOT NULL, \`due_date\` date NOT NULL, \`user_id\` int UNSIGNED NOT NULL, \`send_at\` datetime(3) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_deferred_email_send_at\` (\`send_at\`), UNIQUE INDEX \`uq_deferred_email\` (\`assignment_id\`, \`kind\`, \`due_date\`, \`user_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`notification_preferences\` ADD CONSTRAINT \`FK_64c90edc7310c6be7c10c96f675\` FOREIGN KEY (\`user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`digest_delivery\` ADD CONSTRAINT \`FK_e3e90163f98c88fbb497b8b32a7\` FOREIGN KEY (\`user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`deferred_email\` ADD CONSTRAINT \`FK_3447e31ca6b2e317ab8f58f4364\` FOREIGN KEY (\`assignment_id\`) REFERENCES \`assignment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`deferred_email\` ADD CONSTRAINT \`FK_ad98bee3d29149352dae9411bbb\` FOREIGN KEY (\`user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`deferred_email\` DROP FOREIGN KEY \`FK_ad98bee3d29149352dae9411bbb\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`deferred_email\` DROP FOREIGN KEY \`FK_3447e31ca6b2e317ab8f58f4364\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`digest_delivery\` DROP FOREIGN KEY \`FK_e3e90163f98c88fbb497b8b32a7\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`notification_preferences\` DROP FOREIGN KEY \`FK_64c90edc7310c6be7c10c96f675\``,
    );
    await queryRunner.query(`DROP INDEX \`uq_deferred_email\` ON \`deferred_email\``);
    await queryRunner.query(`DROP INDEX \`ix_deferred_email_send_at\` ON \`deferred_email\``);
    await queryRunner.query(`DROP TABLE \`deferred_email\``);
    await queryRunner.query(`DROP INDEX \`uq_digest_delivery\` ON \`digest_delivery\``);
    await queryRunner.query(`DROP TABLE \`digest_delivery\``);
    await queryRunner.query(`DROP TABLE \`notification_preferences\``);
  }
}
