import { INVALIDATION_LISTENERS } from "@/lib/gateway/invalidation";

/**
 * Runs `start` as if in a Keel process of its own: a gateway it creates joins a set of in-process
 * listeners apart from this process's, so the console's changes reach it only over Redis, as they
 * reach another instance. Tests use it to prove that Redis, not the in-process bus, carried a change.
 */
export async function inAnotherProcess<T>(start: () => Promise<T>): Promise<T> {
  const g = globalThis as typeof globalThis & Record<symbol, unknown>;
  const ours = g[INVALIDATION_LISTENERS];
  delete g[INVALIDATION_LISTENERS];
  try {
    return await start();
  } finally {
    if (ours === undefined) delete g[INVALIDATION_LISTENERS];
    else g[INVALIDATION_LISTENERS] = ours;
  }
}
