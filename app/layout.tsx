import type { Metadata } from "next";
import { themeInitScript } from "@/components/ui/theme-toggle";
import "./globals.css";

// Static files in public/, drawn by scripts/make-icons.ts; the .ico is what browsers ask for unprompted.
export const metadata: Metadata = {
  title: { default: "Keel", template: "%s · Keel" },
  description: "Keel AI platform console",
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "16x16 32x32 48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      {/* No <head> children of our own: React hydrates <head> by position, and a script there raced the
          stylesheet and preload links React and Next put in <head>, so a first load after signing in
          failed to hydrate about one time in three (React error #418). At the top of <body> the
          script still runs before anything is painted. */}
      <body className="min-h-screen bg-background text-foreground antialiased">
        <script dangerouslySetInnerHTML={{ __html: themeInitScript }} />
        {children}
      </body>
    </html>
  );
}
