import { z } from "zod";

/** What the console's child process tells the front process over IPC. */
export const consoleMessageSchema = z.discriminatedUnion("type", [
  // Next is prepared and the socket listens.
  z.object({ type: z.literal("ready") }),
  // A committed console change the gateway's caches must drop (checked again as an Invalidation).
  z.object({ type: z.literal("invalidate"), change: z.unknown() }),
]);
export type ConsoleMessage = z.infer<typeof consoleMessageSchema>;

/** What the front process tells the console: where its gateway listens, for the console's own calls. */
export const frontMessageSchema = z.object({ type: z.literal("gateway"), url: z.url() });
export type FrontMessage = z.infer<typeof frontMessageSchema>;
