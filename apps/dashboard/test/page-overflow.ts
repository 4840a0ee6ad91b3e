import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// Run inside the page (page.evaluate): typed against the DOM, so kept out of harness.ts, which Node-only code imports.

/**
 * How far the page reaches past the window's right edge, and the outermost elements that do (what a person would
 * have to scroll sideways to see); inside a box that scrolls by itself (a wide table) nothing counts.
 */
export const pageOverflow = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const past: string[] = [];
    const visit = (el: Element): void => {
      if (el.getBoundingClientRect().right > width + 0.5) {
        past.push(`${el.tagName.toLowerCase()}.${el.className}`);
        return;
      }
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX)) return;
      for (const child of el.children) visit(child);
    };
    for (const child of document.body.children) visit(child);
    return { by: document.documentElement.scrollWidth - width, past: past.slice(0, 5) };
  });

/**
 * The page, once laid out for the window it is in now, reaches nowhere past its right edge. Polled for a few seconds:
 * after a resize, charts and tables take their new width a frame or two later (ResizeObserver), as a person sees.
 */
export async function expectFits(page: Page, where = page.url()): Promise<void> {
  await expect
    .poll(async () => ({ where, ...(await pageOverflow(page)) }), { timeout: 5_000, interval: 200 })
    .toEqual({ where, by: 0, past: [] });
}
