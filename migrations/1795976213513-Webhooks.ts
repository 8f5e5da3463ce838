import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1795976213513 implements MigrationInterface {
  name = "Webhooks1795976213513";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`webhook_subscription\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`org_id\` int UNSIGNED NOT NULL, \`url\` varchar(2000) NOT NULL, \`secret\` varchar(64) NOT NULL, \`events\` varchar(255) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_by\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_webhook_subscription_org\` (\`org_id\`, \`active\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`webhook_delivery\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`subscription_id\` int UNSIGNED NOT NULL, \`event\` varchar(24) NOT NULL, \`payload\` json NOT NULL, \`dedupe_key\` varchar(191) NOT NULL, \`status\` varchar(16) NOT NULL DEFAULT 'pending', \`attempts\` int UNSIGNED NOT NULL DEFAULT '0', \`last_status_code\` smallint UNSIGNED NULL, \`last_error\` varchar(255) NULL, \`next_attempt_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_webhook_delivery_status\` (\`status\`, \`id\`), UNIQUE INDEX \`uq_webhook_delivery_dedupe\` (\`subscription_id\`, \`dedupe_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`webhook_subscription\` ADD CONSTRAINT \`FK_383ce56bd92ea4eb70dd5d17b8c\` FOREIGN KEY (\`org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`webhook_subscription\` ADD CONSTRAINT \`FK_c7910c530d369459b83b566a626\` FOREIGN KEY (\`created_by\`) REFERENCES \`app_user\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`webhook_delivery\` ADD CONSTRAINT \`FK_236a6a1218756223393d1fb5acc\` FOREIGN KEY (\`subscription_id\`) REFERENCES \`webhook_subscription\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`webhook_delivery\` DROP FOREIGN KEY \`FK_236a6a1218756223393d1fb5acc\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`webhook_subscription\` DROP FOREIGN KEY \`FK_c7910c530d369459b83b566a626\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`webhook_subscription\` DROP FOREIGN KEY \`FK_383ce56bd92ea4eb70dd5d17b8c\``,
    );
    await queryRunner.query(`DROP INDEX \`uq_webhook_delivery_dedupe\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`ix_webhook_delivery_status\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP TABLE \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`ix_webhook_subscription_org\` ON \`webhook_subscription\``);
    await queryRunner.query(`DROP TABLE \`webhook_subscription\``);
  }
}
