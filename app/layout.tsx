import type { Metadata } from "next";
import { themeInitScript } from "@/components/ui/theme-toggle";
import "./globals.css";

export const metadata: Metadata = { title: { default: "Keel", template: "%s · Keel" }, description: "Keel AI platform console" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeInitScript }} />
      </head>
      <body className="min-h-screen bg-background text-foreground antialiased">{children}</body>
    </html>
  );
}
