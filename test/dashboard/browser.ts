/**
 * Real headless Chromium for the dashboard tests: Debian's `chromium` (installed by .ci/run) driven
 * by playwright-core. One browser per test file, a fresh context (cookies, storage) per page.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOTS = join(repoRoot, ".tmp", "screenshots");

function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  return path;
}

export interface BrowserUse {
  /** A page in a new context, closed with the browser; `viewport` defaults to a laptop screen. */
  page(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  /** Saves a screenshot of the page under .tmp/screenshots/<name>.png (and to `alsoTo` when given). */
  screenshot(page: Page, name: string, alsoTo?: string): Promise<void>;
}

export function useBrowser(): BrowserUse {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async page(options = {}) {
      const context = await browser!.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: "light" });
      contexts.push(context);
      return context.newPage();
    },
    async screenshot(page, name, alsoTo) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      if (alsoTo) await page.screenshot({ path: join(repoRoot, alsoTo), fullPage: false });
    },
  };
}
