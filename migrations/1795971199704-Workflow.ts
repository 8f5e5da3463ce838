import { MigrationInterface, QueryRunner } from "typeorm";

export class Workflow1795971199704 implements MigrationInterface {
  name = "Workflow1795971199704";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`calendar_day\` (\`date\` date NOT NULL, \`kind\` varchar(16) NOT NULL, \`name\` varchar(200) NOT NULL, \`source\` varchar(255) NULL, PRIMARY KEY (\`date\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`assignment\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`task_id\` int UNSIGNED NOT NULL, \`org_id\` int UNSIGNED NOT NULL, \`assignee_user_id\` int UNSIGNED NULL, \`role\` varchar(16) NOT NULL, \`assigner_org_id\` int UNSIGNED NOT NULL, \`status\` varchar(16) NOT NULL DEFAULT 'assigned', \`paused_from\` varchar(16) NULL, \`progress\` decimal(5,2) NOT NULL DEFAULT '0.00', \`due_date\` date NULL, \`completed_on\` date NULL, \`version\` int UNSIGNED NOT NULL DEFAULT '1', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_assignment_due\` (\`due_date\`, \`status\`), INDEX \`ix_assignment_org_status\` (\`org_id\`, \`status\`), UNIQUE INDEX \`uq_assignment_task_org\` (\`task_id\`, \`org_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`assignment_event\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assignment_id\` int UNSIGNED NOT NULL, \`action\` varchar(24) NOT NULL, \`from_status\` varchar(16) NULL, \`to_status\` varchar(16) NOT NULL, \`actor_user_id\` int UNSIGNED NULL, \`comment\` text NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_assignment_event\` (\`assignment_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`deadline_extension\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assignment_id\` int UNSIGNED NOT NULL, \`current_due_date\` date NULL, \`requested_due_date\` date NOT NULL, \`reason\` text NOT NULL, \`status\` varchar(16) NOT NULL DEFAULT 'pending', \`decision_comment\` text NULL, \`requested_by_user_id\` int UNSIGNED NOT NULL, \`decided_by_user_id\` int UNSIGNED NULL, \`decided_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_extension_assignment\` (\`assignment_id\`, \`status\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`due_date_change\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assignment_id\` int UNSIGNED NOT NULL, \`old_due_date\` date NULL, \`new_due_date\` date NULL, \`extension_id\` int UNSIGNED NULL, \`reason\` text NULL, \`changed_by_user_id\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_due_date_change_assignment\` (\`assignment_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`task_comment\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`task_id\` int UNSIGNED NOT NULL, \`author_user_id\` int UNSIGNED NOT NULL, \`body\` text NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_task_comment_task\` (\`task_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`reporting_period\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`plan_id\` int UNSIGNED NOT NULL, \`kind\` varchar(16) NOT NULL, \`period_start\` date NOT NULL, \`period_end\` date NOT NULL, \`due_date\` date NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_reporting_period\` (\`plan_id\`, \`kind\`, \`period_start\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`progress_report\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`assignment_id\` int UNSIGNED NOT NULL, \`period_id\` int UNSIGNED NULL, \`period_kind\` varchar(16) NOT NULL, \`period_start\` date NOT NULL, \`period_end\` date NOT NULL, \`percent\` decimal(5,2) NOT NULL, \`narrative\` text NOT NULL, \`is_final\` tinyint NOT NULL DEFAULT 0, \`status\` varchar(16) NOT NULL DEFAULT 'submitted', \`review_comment\` text NULL, \`submitted_by_user_id\` int UNSIGNED NULL, \`reviewed_by_user_id\` int UNSIGNED NULL, \`reviewed_at\` datetime(3) NULL, \`version\` int UNSIGNED NOT NULL DEFAULT '1', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`ix_progress_report_assignment\` (\`assignment_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`report_figure\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`report_id\` int UNSIGNED NOT NULL, \`metric\` varchar(48) NOT NULL, \`value\` decimal(18,4) NOT NULL, \`measure_unit\` varchar(32) NULL, UNIQUE INDEX \`uq_report_figure\` (\`report_id\`, \`metric\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`attachment\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`report_id\` int UNSIGNED NULL, \`file_name\` varchar(255) NOT NULL, \`content_type\` varchar(100) NOT NULL, \`size_bytes\` int UNSIGNED NOT NULL, \`sha256\` char(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`storage_key\` varchar(255) NOT NULL, \`uploaded_by_user_id\` int UNSIGNED NOT NULL, \`uploaded_by_org_id\` int UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_attachment_report\` (\`report_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment\` ADD CONSTRAINT \`FK_37076c934258c13f9aa797f8b9e\` FOREIGN KEY (\`task_id\`) REFERENCES \`task\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment\` ADD CONSTRAINT \`FK_34c8df546e3c0d913475ce3bd4a\` FOREIGN KEY (\`org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment\` ADD CONSTRAINT \`FK_0964645ff52174f0ed4a077a8d6\` FOREIGN KEY (\`assignee_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment\` ADD CONSTRAINT \`FK_50cf2a4c8b7ba34baf2a0d9931d\` FOREIGN KEY (\`assigner_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment_event\` ADD CONSTRAINT \`FK_b79c614155cb6dd7dafb3f7f727\` FOREIGN KEY (\`assignment_id\`) REFERENCES \`assignment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment_event\` ADD CONSTRAINT \`FK_839e1400c26768f49c91ea2a6b4\` FOREIGN KEY (\`actor_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`deadline_extension\` ADD CONSTRAINT \`FK_4964bd584aea4f332d70219dfe8\` FOREIGN KEY (\`assignment_id\`) REFERENCES \`assignment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`deadline_extension\` ADD CONSTRAINT \`FK_f56eb6f29884638e54de92e72b8\` FOREIGN KEY (\`requested_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`deadline_extension\` ADD CONSTRAINT \`FK_7225d39b9a4ea3671c1da59e41f\` FOREIGN KEY (\`decided_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`due_date_change\` ADD CONSTRAINT \`FK_07856885dec6566953633f45ad0\` FOREIGN KEY (\`assignment_id\`) REFERENCES \`assignment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`due_date_change\` ADD CONSTRAINT \`FK_1583607e32e43d1d250c87fa43a\` FOREIGN KEY (\`extension_id\`) REFERENCES \`deadline_extension\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`due_date_change\` ADD CONSTRAINT \`FK_ea28b085af3ecd5aa5969360280\` FOREIGN KEY (\`changed_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_comment\` ADD CONSTRAINT \`FK_55866536e2125e25624db4d963b\` FOREIGN KEY (\`task_id\`) REFERENCES \`task\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_comment\` ADD CONSTRAINT \`FK_419a93b1f6bed241282711d1b1b\` FOREIGN KEY (\`author_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`reporting_period\` ADD CONSTRAINT \`FK_16310326e3c4244dec6117585cd\` FOREIGN KEY (\`plan_id\`) REFERENCES \`plan\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` ADD CONSTRAINT \`FK_c34a7dfb5bc04c3c13d62da5940\` FOREIGN KEY (\`assignment_id\`) REFERENCES \`assignment\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` ADD CONSTRAINT \`FK_758d86d3c886172c44e36453614\` FOREIGN KEY (\`period_id\`) REFERENCES \`reporting_period\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` ADD CONSTRAINT \`FK_7c4fe3963242541e489e77a0bb2\` FOREIGN KEY (\`submitted_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` ADD CONSTRAINT \`FK_cff772147d6e588f4d2ffc03696\` FOREIGN KEY (\`reviewed_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`report_figure\` ADD CONSTRAINT \`FK_5af81e62ef95ddb678d466a1c68\` FOREIGN KEY (\`report_id\`) REFERENCES \`progress_report\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`attachment\` ADD CONSTRAINT \`FK_8a8a70f50ea6b610687c880a750\` FOREIGN KEY (\`report_id\`) REFERENCES \`progress_report\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`attachment\` ADD CONSTRAINT \`FK_0e9e069d0e8d22fab610a465c16\` FOREIGN KEY (\`uploaded_by_user_id\`) REFERENCES \`app_user\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`attachment\` ADD CONSTRAINT \`FK_b73cc1c64f63b0bc3f501e185f7\` FOREIGN KEY (\`uploaded_by_org_id\`) REFERENCES \`organization\`(\`id\`) ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`attachment\` DROP FOREIGN KEY \`FK_b73cc1c64f63b0bc3f501e185f7\``);
    await queryRunner.query(`ALTER TABLE \`attachment\` DROP FOREIGN KEY \`FK_0e9e069d0e8d22fab610a465c16\``);
    await queryRunner.query(`ALTER TABLE \`attachment\` DROP FOREIGN KEY \`FK_8a8a70f50ea6b610687c880a750\``);
    await queryRunner.query(
      `ALTER TABLE \`report_figure\` DROP FOREIGN KEY \`FK_5af81e62ef95ddb678d466a1c68\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` DROP FOREIGN KEY \`FK_cff772147d6e588f4d2ffc03696\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` DROP FOREIGN KEY \`FK_7c4fe3963242541e489e77a0bb2\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` DROP FOREIGN KEY \`FK_758d86d3c886172c44e36453614\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`progress_report\` DROP FOREIGN KEY \`FK_c34a7dfb5bc04c3c13d62da5940\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`reporting_period\` DROP FOREIGN KEY \`FK_16310326e3c4244dec6117585cd\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_comment\` DROP FOREIGN KEY \`FK_419a93b1f6bed241282711d1b1b\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_comment\` DROP FOREIGN KEY \`FK_55866536e2125e25624db4d963b\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`due_date_change\` DROP FOREIGN KEY \`FK_ea28b085af3ecd5aa5969360280\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`due_date_change\` DROP FOREIGN KEY \`FK_1583607e32e43d1d250c87fa43a\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`due_date_change\` DROP FOREIGN KEY \`FK_07856885dec6566953633f45ad0\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`deadline_extension\` DROP FOREIGN KEY \`FK_7225d39b9a4ea3671c1da59e41f\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`deadline_extension\` DROP FOREIGN KEY \`FK_f56eb6f29884638e54de92e72b8\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`deadline_extension\` DROP FOREIGN KEY \`FK_4964bd584aea4f332d70219dfe8\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment_event\` DROP FOREIGN KEY \`FK_839e1400c26768f49c91ea2a6b4\``,
    );
    await queryRunner.query(
      `ALTER TABLE \`assignment_event\` DROP FOREIGN KEY \`FK_b79c614155cb6dd7dafb3f7f727\``,
    );
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP FOREIGN KEY \`FK_50cf2a4c8b7ba34baf2a0d9931d\``);
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP FOREIGN KEY \`FK_0964645ff52174f0ed4a077a8d6\``);
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP FOREIGN KEY \`FK_34c8df546e3c0d913475ce3bd4a\``);
    await queryRunner.query(`ALTER TABLE \`assignment\` DROP FOREIGN KEY \`FK_37076c934258c13f9aa797f8b9e\``);
    await queryRunner.query(`DROP INDEX \`ix_attachment_report\` ON \`attachment\``);
    await queryRunner.query(`DROP TABLE \`attachment\``);
    await queryRunner.query(`DROP INDEX \`uq_report_figure\` ON \`report_figure\``);
    await queryRunner.query(`DROP TABLE \`report_figure\``);
    await queryRunner.query(`DROP INDEX \`ix_progress_report_assignment\` ON \`progress_report\``);
    await queryRunner.query(`DROP TABLE \`progress_report\``);
    await queryRunner.query(`DROP INDEX \`uq_reporting_period\` ON \`reporting_period\``);
    await queryRunner.query(`DROP TABLE \`reporting_period\``);
    await queryRunner.query(`DROP INDEX \`ix_task_comment_task\` ON \`task_comment\``);
    await queryRunner.query(`DROP TABLE \`task_comment\``);
    await queryRunner.query(`DROP INDEX \`ix_due_date_change_assignment\` ON \`due_date_change\``);
    await queryRunner.query(`DROP TABLE \`due_date_change\``);
    await queryRunner.query(`DROP INDEX \`ix_extension_assignment\` ON \`deadline_extension\``);
    await queryRunner.query(`DROP TABLE \`deadline_extension\``);
    await queryRunner.query(`DROP INDEX \`ix_assignment_event\` ON \`assignment_event\``);
    await queryRunner.query(`DROP TABLE \`assignment_event\``);
    await queryRunner.query(`DROP INDEX \`uq_assignment_task_org\` ON \`assignment\``);
    await queryRunner.query(`DROP INDEX \`ix_assignment_org_status\` ON \`assignment\``);
    await queryRunner.query(`DROP INDEX \`ix_assignment_due\` ON \`assignment\``);
    await queryRunner.query(`DROP TABLE \`assignment\``);
    await queryRunner.query(`DROP TABLE \`calendar_day\``);
  }
}
