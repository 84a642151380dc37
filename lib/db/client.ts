import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

/**
 * pg's Pool.query throws its connection away after any failed statement (a unique violation,
 * say). On the embedded database, which serves one connection, the reconnect races the socket
 * server freeing the old slot; keep the connection unless the connection itself failed.
 */
function keepConnectionOnQueryErrors(pool: pg.Pool): pg.Pool {
  const query = async (config: pg.QueryConfig, values?: unknown[]) => {
    const client = await pool.connect();
    try {
      const result = await client.query(config, values);
      client.release();
      return result;
    } catch (error) {
      client.release(error instanceof pg.DatabaseError ? undefined : (error as Error));
      throw error;
    }
  };
  pool.query = query as typeof pool.query;
  return pool;
}

export type Database = { prisma: PrismaClient; pool: pg.Pool; close: () => Promise<void> };

// The custom server and Next's bundled server code are separate module graphs in one process;
// the database handle lives on globalThis so both use the one pool.
const HANDLE = Symbol.for("keel.database");
type GlobalWithDb = typeof globalThis & { [HANDLE]?: Database };

/**
 * Opens the process's one pool. On the embedded database it must hold exactly one connection,
 * shared by Prisma, raw SQL and the job queue; inside a transaction use only its `tx`.
 */
export function openDatabase(url: string, maxConnections: number): Database {
  const g = globalThis as GlobalWithDb;
  if (g[HANDLE]) throw new Error("The database is already open in this process.");
  const pool = keepConnectionOnQueryErrors(new pg.Pool({ connectionString: url, max: maxConnections, idleTimeoutMillis: 0 }));
  pool.on("error", (error) => console.error("[db] idle connection error:", error.message));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const close = async () => {
    delete g[HANDLE];
    await prisma.$disconnect();
    await pool.end();
  };
  const database = { prisma, pool, close };
  g[HANDLE] = database;
  return database;
}

/** The open database; throws when the process has not opened one (a boot-order bug). */
export function getDatabase(): Database {
  const db = (globalThis as GlobalWithDb)[HANDLE];
  if (!db) throw new Error("Keel's database is not open: start Keel through server.ts.");
  return db;
}

/** Shorthand for the Prisma client of the open database. */
export function db(): PrismaClient {
  return getDatabase().prisma;
}

export type { PrismaClient };
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
