import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="max-w-sm text-sm text-muted-foreground">This page does not exist, or you are not a member of the tenant it belongs to.</p>
      <Link href="/" className="text-sm text-primary hover:underline">Go to your console</Link>
    </main>
  );
}
