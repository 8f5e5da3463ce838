import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * task_visibility: who may read each task, with its sort keys, kept by the database (issue #7).
 * Triggers on every table the read scope depends on maintain it, so every writer (commands, seed,
 * imports, raw SQL) keeps it right; `CALL task_visibility_rebuild()` recomputes it from scratch.
 * The rows mirror src/tasks/task.policy.ts taskScopeOf; the running flag mirrors CLOSED_STATUSES
 * (test/tasks/task-visibility.test.ts checks both).
 */

/** Column values of task `t` for a visibility row. */
const KEYS = `t.id, COALESCE(t.due_date, '9999-12-31'), COALESCE(t.due_date, '1000-01-01'), t.status NOT IN ('done', 'cancelled')`;
const COLUMNS = "(kind, scope_id, task_id, due_asc, due_desc, running)";
const KEEP = "ON DUPLICATE KEY UPDATE running = VALUES(running)";

/** A procedure body calling task_visibility_refresh for each task id `tasks` (a SELECT) gives, in its order. */
function refreshEach(tasks: string): string {
  return `BEGIN
       DECLARE done BOOLEAN DEFAULT FALSE;
       DECLARE v_id INT UNSIGNED;
       DECLARE tasks CURSOR FOR ${tasks};
       DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
       OPEN tasks;
       each_task: LOOP
         FETCH tasks INTO v_id;
         IF done THEN LEAVE each_task; END IF;
         CALL task_visibility_refresh(v_id);
       END LOOP;
       CLOSE tasks;
     END`;
}

const PROCEDURES: Array<[name: string, sql: string]> = [
  [
    "task_visibility_add_unit",
    `CREATE PROCEDURE task_visibility_add_unit(IN p_task INT UNSIGNED, IN p_unit INT UNSIGNED)
     MODIFIES SQL DATA
     COMMENT 'Task p_task touches unit p_unit: the viewers of p_unit and of every unit above it read it'
     INSERT INTO task_visibility ${COLUMNS}
     SELECT 'unit', a.id, ${KEYS}
       FROM task t
       JOIN admin_unit u ON u.id = p_unit
       JOIN seq_1_to_255 s ON s.seq > 1 AND s.seq <= CHAR_LENGTH(u.path) AND SUBSTRING(u.path, s.seq, 1) = '/'
       JOIN admin_unit a ON a.path = LEFT(u.path, s.seq)
      WHERE t.id = p_task
     ${KEEP}`,
  ],
  [
    "task_visibility_add_org",
    `CREATE PROCEDURE task_visibility_add_org(IN p_task INT UNSIGNED, IN p_org INT UNSIGNED)
     MODIFIES SQL DATA
     COMMENT 'Organization p_org leads or cooperates on p_task: it reads p_task and every task delegated from it'
     INSERT INTO task_visibility ${COLUMNS}
     WITH RECURSIVE sub (id, lvl) AS (
       SELECT p_task, 0
       UNION ALL
       SELECT c.id, sub.lvl + 1 FROM task c JOIN sub ON c.parent_id = sub.id WHERE sub.lvl < 255)
     SELECT 'org', p_org, ${KEYS} FROM sub JOIN task t ON t.id = sub.id
     ${KEEP}`,
  ],
  [
    "task_visibility_add_task",
    `CREATE PROCEDURE task_visibility_add_task(IN p_task INT UNSIGNED)
     MODIFIES SQL DATA
     COMMENT 'The rows of a task that come from the task row itself: everyone, its lead, what it inherits from its parent'
     BEGIN
       DECLARE v_lead INT UNSIGNED DEFAULT NULL;
       DECLARE v_unit INT UNSIGNED DEFAULT NULL;
       INSERT INTO task_visibility ${COLUMNS} SELECT 'all', 0, ${KEYS} FROM task t WHERE t.id = p_task ${KEEP};
       INSERT INTO task_visibility ${COLUMNS}
       SELECT 'org', pv.scope_id, ${KEYS}
         FROM task t JOIN task_visibility pv ON pv.task_id = t.parent_id AND pv.kind = 'org'
        WHERE t.id = p_task
       ${KEEP};
       SELECT t.lead_org_id, o.unit_id INTO v_lead, v_unit
         FROM task t LEFT JOIN organization o ON o.id = t.lead_org_id WHERE t.id = p_task;
       IF v_lead IS NOT NULL THEN
         INSERT INTO task_visibility ${COLUMNS} SELECT 'org', v_lead, ${KEYS} FROM task t WHERE t.id = p_task ${KEEP};
         CALL task_visibility_add_unit(p_task, v_unit);
       END IF;
     END`,
  ],
  [
    "task_visibility_refresh",
    `CREATE PROCEDURE task_visibility_refresh(IN p_task INT UNSIGNED)
     MODIFIES SQL DATA
     COMMENT 'Recomputes the rows of one task (its parent''s rows must be current)'
     BEGIN
       DECLARE done BOOLEAN DEFAULT FALSE;
       DECLARE v_unit INT UNSIGNED;
       DECLARE units CURSOR FOR
         SELECT tu.unit_id FROM task_unit tu WHERE tu.task_id = p_task
         UNION SELECT o.unit_id FROM task_cooperator c JOIN organization o ON o.id = c.org_id WHERE c.task_id = p_task;
       DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
       DELETE FROM task_visibility WHERE task_id = p_task;
       CALL task_visibility_add_task(p_task);
       SET done = FALSE; -- a condition the call above raised must not end the loop below
       OPEN units;
       each_unit: LOOP
         FETCH units INTO v_unit;
         IF done THEN LEAVE each_unit; END IF;
         CALL task_visibility_add_unit(p_task, v_unit);
       END LOOP;
       CLOSE units;
       INSERT INTO task_visibility ${COLUMNS}
       SELECT 'org', c.org_id, ${KEYS} FROM task t JOIN task_cooperator c ON c.task_id = t.id WHERE t.id = p_task
       ${KEEP};
     END`,
  ],
  [
    "task_visibility_refresh_subtree",
    `CREATE PROCEDURE task_visibility_refresh_subtree(IN p_task INT UNSIGNED)
     MODIFIES SQL DATA
     COMMENT 'Recomputes the rows of a task and of every task delegated from it, parents first'
     ${refreshEach(`
         WITH RECURSIVE sub (id, lvl) AS (
           SELECT p_task, 0
           UNION ALL
           SELECT c.id, sub.lvl + 1 FROM task c JOIN sub ON c.parent_id = sub.id WHERE sub.lvl < 255)
         SELECT id FROM sub ORDER BY lvl, id`)}`,
  ],
  [
    "task_visibility_refresh_touching",
    `CREATE PROCEDURE task_visibility_refresh_touching(IN p_unit INT UNSIGNED, IN p_org INT UNSIGNED)
     MODIFIES SQL DATA
     COMMENT 'Recomputes the rows of the tasks that touch unit p_unit or involve organization p_org directly'
     ${refreshEach(`
         SELECT tu.task_id FROM task_unit tu WHERE tu.unit_id = p_unit
         UNION SELECT t.id FROM task t JOIN organization o ON o.id = t.lead_org_id WHERE o.unit_id = p_unit OR o.id = p_org
         UNION SELECT c.task_id FROM task_cooperator c JOIN organization o ON o.id = c.org_id WHERE o.unit_id = p_unit OR o.id = p_org`)}`,
  ],
  [
    "task_visibility_rebuild",
    `CREATE PROCEDURE task_visibility_rebuild()
     MODIFIES SQL DATA
     COMMENT 'Recomputes every row from task, task_unit, task_cooperator, organization and admin_unit (set-based)'
     BEGIN
       DELETE FROM task_visibility;
       INSERT INTO task_visibility ${COLUMNS} SELECT 'all', 0, ${KEYS} FROM task t;
       INSERT INTO task_visibility ${COLUMNS}
       SELECT DISTINCT 'unit', a.id, ${KEYS}
         FROM (SELECT tu.task_id, tu.unit_id FROM task_unit tu
               UNION SELECT lt.id, o.unit_id FROM task lt JOIN organization o ON o.id = lt.lead_org_id
               UNION SELECT c.task_id, o.unit_id FROM task_cooperator c JOIN organization o ON o.id = c.org_id) x
         JOIN task t ON t.id = x.task_id
         JOIN admin_unit u ON u.id = x.unit_id
         JOIN seq_1_to_255 s ON s.seq > 1 AND s.seq <= CHAR_LENGTH(u.path) AND SUBSTRING(u.path, s.seq, 1) = '/'
         JOIN admin_unit a ON a.path = LEFT(u.path, s.seq);
       INSERT INTO task_visibility ${COLUMNS}
       WITH RECURSIVE chain (task_id, ancestor_id, lvl) AS (
         SELECT id, id, 0 FROM task
         UNION ALL
         SELECT chain.task_id, p.parent_id, chain.lvl + 1
           FROM chain JOIN task p ON p.id = chain.ancestor_id
          WHERE p.parent_id IS NOT NULL AND chain.lvl < 255)
       SELECT DISTINCT 'org', x.org_id, ${KEYS}
         FROM chain
         JOIN (SELECT id AS task_id, lead_org_id AS org_id FROM task WHERE lead_org_id IS NOT NULL
               UNION SELECT task_id, org_id FROM task_cooperator) x ON x.task_id = chain.ancestor_id
         JOIN task t ON t.id = chain.task_id;
     END`,
  ],
];

/** Triggers that recompute a row's task with `proc` when a row of `table` changes (both tasks on a move) or goes. */
function recomputeOnChange(prefix: string, table: string, proc: string): Array<[name: string, sql: string]> {
  return [
    [
      `${prefix}_update`,
      `CREATE TRIGGER ${prefix}_update AFTER UPDATE ON ${table} FOR EACH ROW
       BEGIN
         CALL ${proc}(OLD.task_id);
         IF NEW.task_id <> OLD.task_id THEN CALL ${proc}(NEW.task_id); END IF;
       END`,
    ],
    [
      `${prefix}_delete`,
      `CREATE TRIGGER ${prefix}_delete AFTER DELETE ON ${table} FOR EACH ROW CALL ${proc}(OLD.task_id)`,
    ],
  ];
}

const TRIGGERS: Array<[name: string, sql: string]> = [
  [
    "task_visibility_task_insert",
    `CREATE TRIGGER task_visibility_task_insert AFTER INSERT ON task FOR EACH ROW
     BEGIN
       INSERT INTO task_visibility ${COLUMNS}
       VALUES ('all', 0, NEW.id, COALESCE(NEW.due_date, '9999-12-31'), COALESCE(NEW.due_date, '1000-01-01'),
               NEW.status NOT IN ('done', 'cancelled'));
       IF NEW.parent_id IS NOT NULL OR NEW.lead_org_id IS NOT NULL THEN CALL task_visibility_add_task(NEW.id); END IF;
     END`,
  ],
  [
    "task_visibility_task_update",
    `CREATE TRIGGER task_visibility_task_update AFTER UPDATE ON task FOR EACH ROW
     IF NOT (NEW.lead_org_id <=> OLD.lead_org_id) OR NOT (NEW.parent_id <=> OLD.parent_id) OR NEW.id <> OLD.id THEN
       CALL task_visibility_refresh_subtree(NEW.id);
     ELSEIF NOT (NEW.due_date <=> OLD.due_date) OR NEW.status <> OLD.status THEN
       UPDATE task_visibility
          SET due_asc = COALESCE(NEW.due_date, '9999-12-31'), due_desc = COALESCE(NEW.due_date, '1000-01-01'),
              running = NEW.status NOT IN ('done', 'cancelled')
        WHERE task_id = NEW.id;
     END IF`,
  ],
  [
    "task_visibility_unit_insert",
    `CREATE TRIGGER task_visibility_unit_insert AFTER INSERT ON task_unit FOR EACH ROW
     CALL task_visibility_add_unit(NEW.task_id, NEW.unit_id)`,
  ],
  ...recomputeOnChange("task_visibility_unit", "task_unit", "task_visibility_refresh"),
  [
    "task_visibility_cooperator_insert",
    `CREATE TRIGGER task_visibility_cooperator_insert AFTER INSERT ON task_cooperator FOR EACH ROW
     BEGIN
       CALL task_visibility_add_unit(NEW.task_id, (SELECT o.unit_id FROM organization o WHERE o.id = NEW.org_id));
       CALL task_visibility_add_org(NEW.task_id, NEW.org_id);
     END`,
  ],
  // Involvement spreads down the delegation chain: a cooperator that goes changes the whole subtree.
  ...recomputeOnChange("task_visibility_cooperator", "task_cooperator", "task_visibility_refresh_subtree"),
  [
    "task_visibility_organization_update",
    `CREATE TRIGGER task_visibility_organization_update AFTER UPDATE ON organization FOR EACH ROW
     IF NEW.unit_id <> OLD.unit_id THEN CALL task_visibility_refresh_touching(NULL, NEW.id); END IF`,
  ],
  [
    "task_visibility_admin_unit_update",
    `CREATE TRIGGER task_visibility_admin_unit_update AFTER UPDATE ON admin_unit FOR EACH ROW
     IF NEW.path <> OLD.path THEN CALL task_visibility_refresh_touching(NEW.id, NULL); END IF`,
  ],
];

export class TaskVisibility1795990324134 implements MigrationInterface {
  name = "TaskVisibility1795990324134";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`task_visibility\` (\`kind\` enum ('all', 'unit', 'org') NOT NULL, \`scope_id\` int UNSIGNED NOT NULL, \`task_id\` int UNSIGNED NOT NULL, \`due_asc\` date NOT NULL, \`due_desc\` date NOT NULL, \`running\` tinyint NOT NULL, INDEX \`ix_task_visibility_task\` (\`task_id\`), INDEX \`ix_task_visibility_running\` (\`kind\`, \`scope_id\`, \`running\`, \`due_asc\`, \`task_id\`), INDEX \`ix_task_visibility_due_desc\` (\`kind\`, \`scope_id\`, \`due_desc\`, \`task_id\`), INDEX \`ix_task_visibility_due_asc\` (\`kind\`, \`scope_id\`, \`due_asc\`, \`task_id\`), PRIMARY KEY (\`kind\`, \`scope_id\`, \`task_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `ALTER TABLE \`task_visibility\` ADD CONSTRAINT \`FK_cd02125abf550d07cbd61f7e4f9\` FOREIGN KEY (\`task_id\`) REFERENCES \`task\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    for (const [, sql] of PROCEDURES) await queryRunner.query(sql);
    for (const [, sql] of TRIGGERS) await queryRunner.query(sql);
    await queryRunner.query("CALL task_visibility_rebuild()");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of [...TRIGGERS].reverse())
      await queryRunner.query(`DROP TRIGGER IF EXISTS \`${name}\``);
    for (const [name] of [...PROCEDURES].reverse())
      await queryRunner.query(`DROP PROCEDURE IF EXISTS \`${name}\``);
    await queryRunner.query(
      `ALTER TABLE \`task_visibility\` DROP FOREIGN KEY \`FK_cd02125abf550d07cbd61f7e4f9\``,
    );
    await queryRunner.query(`DROP INDEX \`ix_task_visibility_due_asc\` ON \`task_visibility\``);
    await queryRunner.query(`DROP INDEX \`ix_task_visibility_due_desc\` ON \`task_visibility\``);
    await queryRunner.query(`DROP INDEX \`ix_task_visibility_running\` ON \`task_visibility\``);
    await queryRunner.query(`DROP INDEX \`ix_task_visibility_task\` ON \`task_visibility\``);
    await queryRunner.query(`DROP TABLE \`task_visibility\``);
  }
}
