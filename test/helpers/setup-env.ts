import "reflect-metadata";
// Every jest worker runs quietly and in the test environment unless told otherwise.
process.env.NODE_ENV = process.env.NODE_ENV === "production" ? "production" : "test";
process.env.LOG_LEVEL ??= "silent";
