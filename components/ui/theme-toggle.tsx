"use client";

import { Check, Monitor, Moon, Sun } from "lucide-react";
import { useEffect, useSyncExternalStore } from "react";
import { Button } from "./button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "./dropdown-menu";

/** A stored theme choice; "system" follows the operating system's light or dark setting. */
export type Theme = "light" | "dark" | "system";

const STORAGE_KEY = "keel-theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

/**
 * Inline <script> source for <head>: applies the stored (or the system's) theme before first paint,
 * so a dark-mode reader never sees a white flash. Kept in ES5 and wrapped in try because it runs
 * unbundled, and storage can throw (private mode, blocked cookies).
 */
export const themeInitScript = `(function(){try{var t=localStorage.getItem("${STORAGE_KEY}");var d=t==="dark"||(t!=="light"&&window.matchMedia("${DARK_QUERY}").matches);var e=document.documentElement;e.classList.toggle("dark",d);e.style.colorScheme=d?"dark":"light"}catch(_){}})();`;

const OPTIONS = [
  { value: "light", label: "Light", Icon: Sun },
  { value: "dark", label: "Dark", Icon: Moon },
  { value: "system", label: "System", Icon: Monitor },
] as const;

const listeners = new Set<() => void>();

function readTheme(): Theme {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

function subscribe(onChange: () => void) {
  listeners.add(onChange);
  // Another tab changing the theme fires "storage" here, so every open tab stays in step.
  window.addEventListener("storage", onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}

function applyTheme(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && window.matchMedia(DARK_QUERY).matches);
  const root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
}

function storeTheme(theme: Theme) {
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage unavailable: the choice still applies to this page, it just is not remembered.
  }
  applyTheme(theme);
  listeners.forEach((l) => l());
}

/** A header button opening a Light / Dark / System menu; the choice is kept in localStorage `keel-theme`. */
export function ThemeToggle({ className }: { className?: string }) {
  // The server cannot know the stored choice, so it (and hydration) render null and the icon settles after.
  const theme = useSyncExternalStore<Theme | null>(subscribe, readTheme, () => null);

  useEffect(() => {
    if (!theme) return;
    applyTheme(theme);
    if (theme !== "system") return;
    const media = window.matchMedia(DARK_QUERY);
    const follow = () => applyTheme("system");
    media.addEventListener("change", follow);
    return () => media.removeEventListener("change", follow);
  }, [theme]);

  const current = OPTIONS.find((o) => o.value === theme);
  const Icon = current?.Icon ?? Monitor;
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" className={className} aria-label={current ? `Theme: ${current.label}` : "Theme"}>
          <Icon className="size-4" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="min-w-36">
        {OPTIONS.map(({ value, label, Icon: OptionIcon }) => (
          <DropdownMenuItem key={value} onSelect={() => storeTheme(value)} aria-checked={theme === value} role="menuitemradio">
            <OptionIcon aria-hidden />
            <span className="flex-1">{label}</span>
            {theme === value && <Check aria-hidden />}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
