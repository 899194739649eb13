// Screenshots in both themes for a person to look at, and axe's WCAG 2.1 AA findings in each
// (empty when the page passes). One place, so every spec checks the same way.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export interface ShotOptions {
  /** Where the PNGs go (made when missing). */
  dir: string;
  /** The whole scrolling page (default), or the viewport only (menus and popovers sit in it). */
  fullPage?: boolean;
  /** Also axe's "label in name" rule (WCAG 2.5.3), off by default in axe. */
  labelInName?: boolean;
}

export async function shootAndCheck(page: Page, name: string, options: ShotOptions): Promise<string[]> {
  mkdirSync(options.dir, { recursive: true });
  const found: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", colorScheme);
    // axe reads colours as drawn: let Mantine's transitions end first.
    await page.waitForFunction(() =>
      document
        .getAnimations()
        .every(
          (a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Number.POSITIVE_INFINITY,
        ),
    );
    // After a client-side navigation Next sets the new page's title a moment later: wait for it.
    await expect(page).toHaveTitle(/\S/);
    // A hover colour is not what the page shows at rest: the pointer leaves whatever it last clicked.
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: join(options.dir, `${name}-${colorScheme}.png`),
      fullPage: options.fullPage ?? true,
    });
    const axe = new AxeBuilder({ page });
    // Before withTags: options() replaces what withTags set, and axe would then run every rule.
    if (options.labelInName) axe.options({ rules: { "label-content-name-mismatch": { enabled: true } } });
    axe.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
    // An open dialog is what is being checked: the page behind it is inert and dimmed by the overlay.
    if ((await page.locator(".mantine-Modal-content").count()) > 0) axe.include(".mantine-Modal-content");
    const result = await axe.analyze();
    for (const v of result.violations) {
      const nodes = v.nodes.map((n) => `${n.target.join(" ")}${n.any[0] ? ` (${n.any[0].message})` : ""}`);
      found.push(`${name} (${colorScheme}): ${v.id} on ${nodes.join("; ")}`);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  return found;
}
