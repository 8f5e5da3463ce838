import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Every jest worker runs quietly and in the test environment unless told otherwise.
process.env.NODE_ENV = process.env.NODE_ENV === "production" ? "production" : "test";
process.env.LOG_LEVEL ??= "silent";
// Uploaded evidence goes to a temporary directory, never into the repository.
process.env.ATTACHMENTS_DIR ??= mkdtempSync(path.join(tmpdir(), "ntm-attachments-"));
