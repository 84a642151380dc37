import { BuiltinModelError } from "./errors";

/**
 * Runs jobs one at a time: a CPU model answers faster to each caller in turn than to all of them
 * at once. Callers beyond `maxWaiting` are turned away at once rather than queued for minutes.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly maxWaiting: number,
    private readonly name: string,
  ) {}

  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.waiting >= this.maxWaiting) {
      return Promise.reject(new BuiltinModelError("busy", `The built-in ${this.name} is busy with ${this.waiting} queued requests; try again shortly.`));
    }
    this.waiting++;
    // `tail` never rejects: each job's failure belongs to its own caller.
    const result = this.tail.then(() => {
      this.waiting--;
      if (signal?.aborted) throw signal.reason;
      return job();
    });
    this.tail = result.catch(() => {});
    return result;
  }
}
