import { EventEmitter } from "node:events";

/**
 * A request's cancellation: it fires when the caller goes away or the gateway shuts down. An
 * AbortController per request cost about 4 % of the gateway's thread under load (making its
 * AbortSignal, and undici's listener on it: profiled); undici takes an EventEmitter that emits
 * "abort" as well, which costs next to nothing. What needs a real AbortSignal (a retry's wait, the
 * built-in models) asks for `abortSignal`, made on first use.
 */
export class RequestSignal extends EventEmitter {
  aborted = false;
  /** Why it fired: a GatewayError when the gateway says why (shutting down), else an AbortError. */
  reason: unknown = undefined;
  private controller: AbortController | null = null;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException("This operation was aborted", "AbortError");
    this.controller?.abort(this.reason);
    this.emit("abort");
  }

  /** An AbortSignal that fires with this one (already fired when this one has). */
  get abortSignal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}
