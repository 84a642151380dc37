/**
 * The hot path's values that are usually at hand (a cached key, endpoint or spend) and only
 * sometimes must be waited for. A promise per step costs, more so while Next's async hooks share
 * the process (measured: async_hooks 18 % of the gateway's thread on the embedded database), so a
 * step returns the value itself when it has it. Such a function never throws: a failure comes back
 * as a rejected promise, as it would from an async function.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `fn`'s result, or its throw as a rejected promise. */
export function attempt<T>(fn: () => MaybePromise<T>): MaybePromise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `next` applied to a value at once, or to a promise's value once it comes; a throw in `next` rejects. */
export function andThen<T, U>(value: MaybePromise<T>, next: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : attempt(() => next(value));
}
