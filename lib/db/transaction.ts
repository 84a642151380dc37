import pg from "pg";

/**
 * Runs `work` in a transaction on one client of the pool (a plain pg transaction, for code that
 * plans its own statements: seals, rollups, alerts). A statement's error leaves the connection
 * usable and it goes back to the pool; a broken connection is thrown away.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed: unknown = null;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    failed = error;
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release(failed && !(failed instanceof pg.DatabaseError) ? (failed as Error) : undefined);
  }
}
