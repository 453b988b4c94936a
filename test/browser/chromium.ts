import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../scripts/temporal-binaries';

/** Debian's Chromium, or `CHROMIUM_PATH`: Playwright's own browser download cannot be used on these machines. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the screenshots go, kept after the run (git-ignored). */
export const artifactsDir = path.join(projectRoot, 'test-artifacts');

/** Headless Chromium; fails, never skips, when it is not installed, with what to do about it. */
export async function launchChromium(): Promise<Browser> {
  try {
    accessSync(chromiumPath, constants.X_OK);
  } catch {
    throw new Error(
      `The browser test needs Chromium at ${chromiumPath}: run ./scripts/install-chromium.sh (make deps does), ` +
        "which installs Debian's package `chromium`, or set CHROMIUM_PATH to a Chromium executable you already have.",
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // As root, Chromium starts only without its sandbox. The machine's network is closed: Chromium's own
    // background connections would only be refused, slowly and noisily.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
