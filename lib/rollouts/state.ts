/** When the current step's burn-in ends and its promotion may be decided. */
export function promotionOpensAt(r: { stepStartedAt: Date; burnInMinutes: number }): Date {
  return new Date(r.stepStartedAt.getTime() + r.burnInMinutes * 60_000);
}

/** "step 2 of 3", or "production" once every step has been approved. */
export function promotionTarget(r: { stepIndex: number; stepsBp: number[] }): { toStep: number; production: boolean } {
  const toStep = r.stepIndex + 1;
  return { toStep, production: toStep === r.stepsBp.length };
}
