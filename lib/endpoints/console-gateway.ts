/**
 * Where the console reaches its own gateway, and the secret the console's tokens are signed with.
 * server.ts publishes it once the gateway listens. It lives on globalThis because Next's bundle
 * and server.ts load this module as two separate instances in the one process.
 */
export type ConsoleGateway = { url: string; secret: string };

const HANDLE = Symbol.for("keel.console-gateway");
type GlobalWithGateway = typeof globalThis & { [HANDLE]?: ConsoleGateway };

export function publishConsoleGateway(gateway: ConsoleGateway): void {
  (globalThis as GlobalWithGateway)[HANDLE] = gateway;
}

/** The gateway of this process, or null when none runs here. */
export function consoleGateway(): ConsoleGateway | null {
  return (globalThis as GlobalWithGateway)[HANDLE] ?? null;
}
