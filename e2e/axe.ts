import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

// WCAG 2.1 A and AA: what the console promises; best-practice rules are advice, not failures.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BLOCKING = new Set(["serious", "critical"]);

/**
 * Runs axe on what the page shows now (or on `include` only) and returns its serious and critical
 * violations, one readable line per element: rule, impact, what to fix, and where.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(TAGS);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => BLOCKING.has(v.impact ?? ""))
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${v.help}. ${n.failureSummary?.replace(/\s*\n\s*/g, " ") ?? ""}`),
    );
}

/**
 * Whether the focused element draws a focus indicator: its outline or box-shadow (where Tailwind
 * draws rings) differs from how it looks unfocused. Blurs it to compare, then focuses it again.
 */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    const look = () => {
      const s = getComputedStyle(el);
      return { outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : "none", shadow: s.boxShadow };
    };
    const focused = look();
    el.blur();
    const unfocused = look();
    el.focus({ focusVisible: true } as FocusOptions);
    const drawn = focused.outline !== "none" || (focused.shadow !== "none" && focused.shadow !== unfocused.shadow);
    return drawn && (focused.outline !== unfocused.outline || focused.shadow !== unfocused.shadow);
  });
}
