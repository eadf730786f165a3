/** Inputs shared by the unit tests: the guide's table and connections, as the engine would send them. */

/** The main instance's connection, as `instance.connection` resolves. */
export const mainConnection = { host: "127.0.0.1", port: 15432, user: "postgres", password: "pw", database: "appdb" };

/** The archive instance's connection. */
export const archiveConnection = { host: "127.0.0.1", port: 15433, user: "postgres", password: "pw", database: "archive_db" };

export { employeeColumns, employeeIndexes } from "../support/fixtures";
export { secret } from "../support/provider";
