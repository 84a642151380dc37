/** The parts of a verification, in the order they run. */
export const VERIFY_PHASES = ["audit", "requests", "prompts"] as const;
export type VerifyPhase = (typeof VERIFY_PHASES)[number];

/**
 * How far one part of a verification has come: `total` is read up front (the chain's length, the
 * records the seals count plus the unsealed tail, the prompts), so it is an estimate when rows were
 * added or removed meanwhile; the last report of each part has `done` = `total`.
 */
export type VerifyProgress = { phase: VerifyPhase; done: number; total: number };
export type OnVerifyProgress = (progress: VerifyProgress) => void;

const EVERY_MS = 100;

/**
 * Reports one part's progress: once at the start, at most every 100 ms while it runs, and once at
 * the end. A listener that throws is the caller's bug, not a broken trail, so it is logged and the
 * verification goes on.
 */
export function progressMeter(onProgress: OnVerifyProgress | undefined, phase: VerifyPhase, total: number) {
  let done = 0;
  let last = 0;
  const emit = (finished: boolean) => {
    if (!onProgress) return;
    last = Date.now();
    tell(onProgress, { phase, done, total: finished ? done : Math.max(total, done) });
  };
  emit(false);
  return {
    /** Counts `n` more rows checked. */
    add(n: number) {
      done += n;
      if (onProgress && Date.now() - last >= EVERY_MS) emit(false);
    },
    /** The part is over (intact or not): its last report, with `done` as the total. */
    finish() {
      emit(true);
    },
  };
}

/**
 * Fans one run's progress out to every caller sharing it; one who joins late first gets the latest
 * report of each part so far, so a progress bar never starts from nothing.
 */
export class ProgressFeed {
  private readonly listeners = new Set<OnVerifyProgress>();
  private readonly latest = new Map<VerifyPhase, VerifyProgress>();

  publish = (progress: VerifyProgress) => {
    this.latest.set(progress.phase, progress);
    for (const listener of this.listeners) tell(listener, progress);
  };

  /** Adds a listener and replays the latest reports to it; returns the unsubscribe function. */
  subscribe(listener: OnVerifyProgress): () => void {
    for (const phase of VERIFY_PHASES) {
      const p = this.latest.get(phase);
      if (p) tell(listener, p);
    }
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The run is over: nothing more to report. */
  close() {
    this.listeners.clear();
  }
}

function tell(listener: OnVerifyProgress, progress: VerifyProgress) {
  try {
    listener(progress);
  } catch (error) {
    console.error("[audit] a verify progress listener failed:", error);
  }
}
