import { MigrationInterface, QueryRunner } from "typeorm";

export class Reminders1795973368529 implements MigrationInterface {
  name = "Reminders1795973368529";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`notification\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`user_id\` int UNSIGNED NOT NULL, \`kind\` varchar(48) NOT NULL, \`title\` varchar(255) NOT NULL, \`body\` text NOT NULL, \`link\` varchar(64) NULL, \`read_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_notification_user_unread\` (\`user_id\`, \`read_at\`), INDEX \`ix_notification_user\` (\`user_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`reminder_delivery\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assignment_id\` int UNSIGNED NOT NULL, \`kind\` varchar(24) NOT NULL, \`due_date\` date NOT NULL, \`recipient_user_id\` int UNSIGNED NOT NULL, \`channel\` varchar(16) NOT NULL, \`notification_id\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_reminder_delivery_recipient\` (\`recipient_user_id\`, \`id\`), UNIQUE INDEX \`uq_reminder_delivery\` (\`assignment_id\`, \`kind\`, \`due_date\`, \`recipient_user_id\`, \`channel\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`plan_reminder_settings\` (\`plan_id\` int UNSIGNED NOT NULL, \`days_before\` varchar(64) NOT NULL DEFAULT '7,3,1', \`on_due_date\` tinyint NOT NULL DEFAULT 1, \`overdue_every_working_days\` smallint UNSIGNED NOT NULL DEFAULT '2', \`escalate_after_working_days\` smallint UNSIGNED NOT NULL DEFAULT '3', \`local_hour\` tinyint UNSIGNED NOT NULL DEFAULT '8', \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), PRIMARY KEY (\`plan_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`notification\` ADD CONSTRAINT \`FK_928b7aa1754e08e1ed7052cb9d8\` FOREIGN KEY (\`user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`reminder_delivery\` ADD CONSTRAINT \`FK_6f1483540d124f770a844e3dc9b\` FOREIGN KEY (\`assignment_id\`) REFERENCES \`assignment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`reminder_delivery\` ADD CONSTRAINT \`FK_d530ab287d651d843a3f672a03d\` FOREIGN KEY (\`recipient_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`reminder_delivery\` ADD CONSTRAINT \`FK_66566193268d3a02cb596d50233\` FOREIGN KEY (\`notification_id\`) REFERENCES \`notification\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`plan_reminder_settings\` ADD CONSTRAINT \`FK_e1691583425364145aa2221daa6\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`plan_reminder_settings\` DROP FOREIGN KEY \`FK_e1691583425364145aa2221daa6\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`reminder_delivery\` DROP FOREIGN KEY \`FK_66566193268d3a02cb596d50233\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`reminder_delivery\` DROP FOREIGN KEY \`FK_d530ab287d651d843a3f672a03d\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`reminder_delivery\` DROP FOREIGN KEY \`FK_6f1483540d124f770a844e3dc9b\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`notification\` DROP FOREIGN KEY \`FK_928b7aa1754e08e1ed7052cb9d8\``,
    );
    await queryRunner.query(`DROP TABLE \`plan_reminder_settings\``);
    await queryRunner.query(`DROP INDEX \`uq_reminder_delivery\` ON \`reminder_delivery\``);
    await queryRunner.query(`DROP INDEX \`ix_reminder_delivery_recipient\` ON \`reminder_delivery\``);
    await queryRunner.query(`DROP TABLE \`reminder_delivery\``);
    await queryRunner.query(`DROP INDEX \`ix_notification_user\` ON \`notification\``);
    await queryRunner.query(`DROP INDEX \`ix_notification_user_unread\` ON \`notification\``);
    await queryRunner.query(`DROP TABLE \`notification\``);
  }
}
