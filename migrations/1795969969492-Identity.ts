import { MigrationInterface, QueryRunner } from "typeorm";

export class Identity1795969969492 implements MigrationInterface {
  name = "Identity1795969969492";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`audit_entry\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`occurred_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`actor_user_id\` int UNSIGNED NULL, \`actor_email\` varchar(254) NULL, \`action\` varchar(64) NOT NULL, \`object_type\` varchar(32) NOT NULL, \`object_id\` int UNSIGNED NULL, \`scope_path\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`before\` longtext NULL, \`after\` longtext NULL, \`request_id\` varchar(64) NOT NULL, \`ip\` varchar(64) NULL, INDEX \`ix_audit_actor\` (\`actor_user_id\`), INDEX \`ix_audit_object\` (\`object_type\`, \`object_id\`), INDEX \`ix_audit_scope\` (\`scope_path\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`app_user\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`email\` varchar(254) NOT NULL, \`display_name\` varchar(200) NOT NULL, \`org_id\` int UNSIGNED NOT NULL, \`password_hash\` varchar(255) NULL, \`oidc_subject\` varchar(255) NULL, \`status\` varchar(16) NOT NULL DEFAULT 'active', \`failed_logins\` smallint UNSIGNED NOT NULL DEFAULT '0', \`locked_until\` datetime(3) NULL, \`last_login_at\` datetime(3) NULL, \`version\` int UNSIGNED NOT NULL DEFAULT '1', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_app_user_org\` (\`org_id\`), UNIQUE INDEX \`uq_app_user_oidc\` (\`oidc_subject\`), UNIQUE INDEX \`uq_app_user_email\` (\`email\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`user_role\` (\`user_id\` int UNSIGNED NOT NULL, \`role\` varchar(32) NOT NULL, PRIMARY KEY (\`user_id\`, \`role\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`refresh_token\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`user_id\` int UNSIGNED NOT NULL, \`family_id\` char(36) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`token_hash\` char(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`revoked_at\` datetime(3) NULL, \`replaced_by_id\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_refresh_token_user\` (\`user_id\`), INDEX \`ix_refresh_token_family\` (\`family_id\`), UNIQUE INDEX \`uq_refresh_token_hash\` (\`token_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`app_user\` ADD CONSTRAINT \`FK_05432cb6f8625da50b4690c3ff8\` FOREIGN KEY (\`org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`user_role\` ADD CONSTRAINT \`FK_d0e5815877f7395a198a4cb0a46\` FOREIGN KEY (\`user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`refresh_token\` ADD CONSTRAINT \`FK_6bbe63d2fe75e7f0ba1710351d4\` FOREIGN KEY (\`user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The audit log is append-only: refuse every UPDATE and DELETE, whoever asks.
    await queryRunner.query(
      `CREATE TRIGGER \`audit_entry_no_update\` BEFORE UPDATE ON \`audit_entry\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_entry is append-only'`,
    );
    await queryRunner.query(
      `CREATE TRIGGER \`audit_entry_no_delete\` BEFORE DELETE ON \`audit_entry\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_entry is append-only'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER IF EXISTS `audit_entry_no_delete`");
    await queryRunner.query("DROP TRIGGER IF EXISTS `audit_entry_no_update`");
    await queryRunner.query(
      `ALTER TABLE \`refresh_token\` DROP FOREIGN KEY \`FK_6bbe63d2fe75e7f0ba1710351d4\``,
    );
    await queryRunner.query(`ALTER TABLE \`user_role\` DROP FOREIGN KEY \`FK_d0e5815877f7395a198a4cb0a46\``);
    await queryRunner.query(`ALTER TABLE \`app_user\` DROP FOREIGN KEY \`FK_05432cb6f8625da50b4690c3ff8\``);
    await queryRunner.query(`DROP INDEX \`uq_refresh_token_hash\` ON \`refresh_token\``);
    await queryRunner.query(`DROP INDEX \`ix_refresh_token_family\` ON \`refresh_token\``);
    await queryRunner.query(`DROP INDEX \`ix_refresh_token_user\` ON \`refresh_token\``);
    await queryRunner.query(`DROP TABLE \`refresh_token\``);
    await queryRunner.query(`DROP TABLE \`user_role\``);
    await queryRunner.query(`DROP INDEX \`uq_app_user_email\` ON \`app_user\``);
    await queryRunner.query(`DROP INDEX \`uq_app_user_oidc\` ON \`app_user\``);
    await queryRunner.query(`DROP INDEX \`ix_app_user_org\` ON \`app_user\``);
    await queryRunner.query(`DROP TABLE \`app_user\``);
    await queryRunner.query(`DROP INDEX \`ix_audit_scope\` ON \`audit_entry\``);
    await queryRunner.query(`DROP INDEX \`ix_audit_object\` ON \`audit_entry\``);
    await queryRunner.query(`DROP INDEX \`ix_audit_actor\` ON \`audit_entry\``);
    await queryRunner.query(`DROP TABLE \`audit_entry\``);
  }
}
