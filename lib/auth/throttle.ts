import type { PrismaClient } from "@/lib/db/client";

export const THROTTLE = { windowMinutes: 15, maxFailuresPerEmail: 5, maxFailuresPerIp: 30 };

/**
 * Minutes until this email (or IP) may try again, or 0. Counted from the database so that every
 * instance sees the same failures.
 */
export async function signInLockedFor(prisma: PrismaClient, email: string, ip: string | null): Promise<number> {
  const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
  const check = async (where: { email: string } | { ip: string }, max: number) => {
    const failures = await prisma.signInAttempt.findMany({
      where: { ...where, succeeded: false, createdAt: { gte: since } },
      orderBy: { createdAt: "desc" },
      take: max,
      select: { createdAt: true },
    });
    if (failures.length < max) return 0;
    const unlockAt = failures[max - 1].createdAt.getTime() + THROTTLE.windowMinutes * 60_000;
    return Math.max(1, Math.ceil((unlockAt - Date.now()) / 60_000));
  };
  const byEmail = await check({ email }, THROTTLE.maxFailuresPerEmail);
  const byIp = ip ? await check({ ip }, THROTTLE.maxFailuresPerIp) : 0;
  return Math.max(byEmail, byIp);
}

export async function recordSignInAttempt(prisma: PrismaClient, email: string, ip: string | null, succeeded: boolean) {
  await prisma.signInAttempt.create({ data: { email, ip, succeeded } });
}
