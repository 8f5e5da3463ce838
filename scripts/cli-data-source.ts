/** Data source for the TypeORM CLI (migration:generate, migration:show). */
import { loadConfig } from "../src/config/env";
import { createDataSource } from "../src/db/data-source";

export default createDataSource(loadConfig().database);
