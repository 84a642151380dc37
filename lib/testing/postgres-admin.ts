import pg from "pg";

/** The PostgreSQL server the tests create their databases on (trust auth on loopback by default). */
export const ADMIN_URL = process.env.KEEL_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** One statement as the server's admin (CREATE or DROP DATABASE), on a connection of its own. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** ADMIN_URL with another database name. */
export const databaseUrl = (name: string) => ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
