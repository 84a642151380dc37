-- CreateEnum
CREATE TYPE "AccountEventKind" AS ENUM ('SIGN_IN', 'SIGN_IN_FAILED', 'SIGN_OUT', 'SIGNED_OUT_EVERYWHERE', 'PASSWORD_CHANGED');

-- CreateTable
CREATE TABLE "AccountEvent" (
    "id" TEXT NOT NULL,
    "kind" "AccountEventKind" NOT NULL,
    "userId" TEXT,
    "email" TEXT NOT NULL,
    "method" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountEvent_email_createdAt_idx" ON "AccountEvent"("email", "createdAt");

-- CreateIndex
CREATE INDEX "AccountEvent_userId_createdAt_idx" ON "AccountEvent"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "AccountEvent_createdAt_idx" ON "AccountEvent"("createdAt");

-- AddForeignKey
ALTER TABLE "AccountEvent" ADD CONSTRAINT "AccountEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The sign-in history so far moves over (the throttle's familiar addresses read it), then its table goes.
-- An attempt is the account's only if the account already existed then; an email with no account
-- that is not shaped like an address (most often a password typed into the wrong field) is not kept as typed.
INSERT INTO "AccountEvent" ("id", "kind", "userId", "email", "method", "ip", "createdAt")
SELECT a."id", CASE WHEN a."succeeded" THEN 'SIGN_IN'::"AccountEventKind" ELSE 'SIGN_IN_FAILED'::"AccountEventKind" END,
       u."id",
       CASE WHEN u."id" IS NULL AND a."email" !~ '^[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+$' THEN '(not an email address)' ELSE a."email" END,
       'password', a."ip", a."createdAt"
FROM "SignInAttempt" a LEFT JOIN "User" u ON u."email" = a."email" AND a."createdAt" >= u."createdAt";

DROP TABLE "SignInAttempt";
