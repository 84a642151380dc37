import { Anchor } from "lucide-react";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex items-center justify-center gap-2 text-lg font-semibold">
          <Anchor className="size-5 text-primary" aria-hidden /> Keel
        </div>
        {children}
      </div>
    </main>
  );
}
