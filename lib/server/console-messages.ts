import { z } from "zod";

/** What the console's child process tells the front process over IPC. */
export const consoleMessageSchema = z.discriminatedUnion("type", [
  // Next is prepared and the socket listens.
  z.object({ type: z.literal("ready") }),
  // The answer to a ping: the console's event loop still turns.
  z.object({ type: z.literal("pong") }),
  // A committed console change the gateway's caches must drop (checked again as an Invalidation).
  z.object({ type: z.literal("invalidate"), change: z.unknown() }),
]);
export type ConsoleMessage = z.infer<typeof consoleMessageSchema>;

/**
 * What the front process tells the console: are you alive; request records were committed (for the
 * rollups of the background work the console's process runs); and stop (it alone decides when).
 */
export const frontMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("records") }),
  z.object({ type: z.literal("stop") }),
]);
export type FrontMessage = z.infer<typeof frontMessageSchema>;
