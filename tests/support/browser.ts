import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); browser tests skip with this path in their reason when it is absent. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium as this machine runs it: no sandbox (root), no GPU, no background traffic to the internet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
