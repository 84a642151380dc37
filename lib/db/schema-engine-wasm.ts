// Prisma's schema engine as WebAssembly, connected to a database through adapter-pg. The
// commands that use it are in ./schema-engine.ts.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

export type { SchemaEngine };

/**
 * Runs `work` on an engine connected to `url` through one connection, closed before this
 * resolves: the embedded database serves a single client, and the engine's migration lock is
 * a session-level advisory lock, so all its statements must share one session.
 */
export async function withEngine<T>(url: string, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // A dropped idle connection must not crash the process: the next statement reports it.
  pool.on("error", () => {});
  const factory = bindMigrationAwareSqlAdapterFactory(adapterFactory(pool));
  let engine: SchemaEngine | undefined;
  try {
    await firstConnection(pool);
    const Engine = await loadEngine();
    engine = await Engine.new({ datamodels: undefined }, () => {}, factory);
    return await work(engine);
  } catch (error) {
    // Errors thrown in JS reach the engine as "External error id#N"; the original is kept here.
    const id = /External error id#(\d+)/.exec(describeError(error))?.[1];
    const original = id === undefined ? undefined : factory.errorRegistry.consumeError(Number(id))?.error;
    throw new Error(describeError(original ?? error), { cause: original ?? error });
  } finally {
    engine?.free();
    await pool.end();
  }
}

/**
 * The embedded database frees a closed connection's slot a moment after its client sees it
 * closed and refuses new clients until then, so a command run right after another one (or
 * right after any client closed) retries for a moment.
 */
async function firstConnection(pool: pg.Pool): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      (await pool.connect()).release();
      return;
    } catch (error) {
      if (!/Connection terminated unexpectedly|one client at a time/.test(describeError(error))) throw error;
      if (Date.now() > deadline) {
        throw new Error(`${describeError(error)}: an embedded database refuses a second client while another holds its one connection.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

let loaded: Promise<typeof bindings.SchemaEngine> | undefined;

/**
 * The package is built for bundlers, which import the .wasm file as a module; Node cannot, so
 * it is instantiated here by hand, with the JS glue as its imports, once per process.
 */
function loadEngine(): Promise<typeof bindings.SchemaEngine> {
  loaded ??= instantiate().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

async function instantiate(): Promise<typeof bindings.SchemaEngine> {
  const glue = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await fs.promises.readFile(path.join(path.dirname(glue), "schema_engine_bg.wasm"));
  // The engine bounds database calls with timers it never cancels (10 s around its migration
  // lock), which would hold the process open after every command. Unreferenced, they still
  // fire while the call they bound is pending, since its socket keeps the process alive.
  const glueImports: WebAssembly.ModuleImports = { ...bindings };
  for (const name of Object.keys(bindings).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
    glueImports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glueImports });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  // A Rust panic reports its message here before the engine aborts; without it the panic
  // surfaces only as "RuntimeError: unreachable".
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message: string) => console.error(`[schema-engine] panic: ${message}`),
  };
  return bindings.SchemaEngine;
}

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * adapter-pg, with three corrections the engine needs:
 * - pg's pool.query drops the connection after a failed statement; the engine's next statement
 *   (recording the failure) then needs a new one, which the embedded database refuses while it
 *   still counts the old one, and the engine's lock would go with the old session. Statements
 *   here keep the one connection.
 * - adapter-pg has no column type for Postgres's one-byte "char", which the engine's schema
 *   describer reads from pg_catalog as characters ("Column type 'char' could not be
 *   deserialized"): such columns are relabelled as text for adapter-pg and reported to the
 *   engine as characters.
 * - adapter-pg splits scripts at every ";", which breaks function bodies and runs a migration
 *   statement by statement: a script is sent whole instead, one simple query that Postgres runs
 *   atomically, as the native engine does.
 */
function adapterFactory(pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const charColumns = new WeakMap<unknown[], number[]>();
  pool.query = (async (config: pg.QueryConfig) => {
    const client = await pool.connect();
    let result: pg.QueryResult | pg.QueryResult[];
    try {
      result = (await client.query(config)) as pg.QueryResult | pg.QueryResult[];
    } finally {
      client.release();
    }
    for (const { fields, rows } of Array.isArray(result) ? result : [result]) {
      const chars = (fields ?? []).flatMap((field, i) => (field.dataTypeID === CHAR_OID ? [i] : []));
      for (const i of chars) fields[i].dataTypeID = TEXT_OID;
      if (chars.length) charColumns.set(rows, chars);
    }
    return result;
  }) as typeof pool.query;

  const base = new PrismaPg(pool);
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => {
      const adapter = await base.connect();
      const queryRaw = adapter.queryRaw.bind(adapter);
      adapter.queryRaw = async (q) => {
        const result = await queryRaw(q);
        for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
        return result;
      };
      adapter.executeScript = async (script) => {
        await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
      };
      return adapter;
    },
    // No command here uses one, and the engine wipes whatever database it is given as one.
    connectToShadowDb: () => Promise.reject(new Error("No shadow database is configured.")),
  };
}

/** The engine rejects with plain objects and strings as well as Errors. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error && "message" in error) return String(error.message);
  return String(error);
}
