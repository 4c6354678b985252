/**
 * The browser suites' Chromium: Debian's (/usr/bin/chromium, never downloaded), headless,
 * driven by playwright-core, with the switches a shared CI box needs.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Fails the suite at load when Chromium is missing (rather than each test timing out). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser suite needs Debian's chromium at ${CHROMIUM} (apt-get install chromium); it is never downloaded.`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
