// Test fixture: commits rows to an embedded database, reports them, and keeps committing until
// the test kills this process with SIGKILL.
import pg from "pg";
import { startEmbeddedDatabase } from "./embedded";

const db = await startEmbeddedDatabase(process.argv[2]);
const client = new pg.Client({ connectionString: db.url });
await client.connect();
await client.query("CREATE TABLE t (v int)");
for (let i = 1; i <= 50; i++) await client.query("INSERT INTO t VALUES ($1)", [i]);
console.log("committed 50");
for (let i = 51; ; i++) await client.query("INSERT INTO t VALUES ($1)", [i]);
