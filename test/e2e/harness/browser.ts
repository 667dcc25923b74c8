/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser here), opened
 * on a code-server workbench. The page exposes `codeAutomationLog` / `codeAutomationExit`,
 * which the workbench calls when it runs `extensionTestsPath` suites, as VS Code's own web
 * test runner does.
 */
import { existsSync } from 'node:fs';
import { format } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumPath(): string {
  const found = [process.env.TAKOSS_CHROMIUM, ...CHROMIUM_CANDIDATES].find(
    (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
  );
  if (!found) {
    throw new Error(
      'Chromium not found: run `bash scripts/install-code-server.sh` (it installs Debian’s chromium) or set TAKOSS_CHROMIUM.',
    );
  }
  return found;
}

export interface AutomationHooks {
  /** A line the extension-host test runner printed (`type` is a console method name). */
  onLog?(type: string, text: string): void;
  /** The extension-host tests ended with this exit code. */
  onExit?(code: number): void;
}

export interface OpenWorkbench {
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(url: string, hooks: AutomationHooks = {}): Promise<OpenWorkbench> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      // The workbench forwards console calls: a format string and its arguments.
      const text = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
      hooks.onLog?.(String(type), text);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      hooks.onExit?.(typeof code === 'number' ? code : 1);
    });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { browser, page, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
