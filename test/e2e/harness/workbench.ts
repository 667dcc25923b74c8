/**
 * What a user does in the VS Code workbench, as Playwright steps: the command palette, quick
 * inputs, notifications and dialogs, the Takoss sidebar trees, the task-graph webview, and
 * screenshots at the moments that matter. Selectors are VS Code 1.100's own DOM.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { eventually } from './steps';

const UI_TIMEOUT_MS = 30_000;
const EXTENSION_ID = 'takoss.takoss';

/**
 * Run in the page (plain JavaScript: the harness is compiled without the DOM's types): notes
 * the message of every notification toast as it appears or changes, for `toastsSeen`.
 */
const TOAST_RECORDER = `(() => {
  window.takossToasts?.observer.disconnect();
  const seen = new Set();
  const note = () =>
    document.querySelectorAll('.notification-toast .notification-list-item-message').forEach((message) => seen.add(message.textContent));
  const observer = new MutationObserver(note);
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  window.takossToasts = { seen, observer };
})()`;

export class Workbench {
  private shots = 0;

  constructor(
    readonly page: Page,
    /** Where this test's screenshots and failure evidence go (test-results/<test>/). */
    readonly resultsDir: string,
  ) {
    // Only this run's pictures: an older run's FAILED- shot would mislead.
    rmSync(resultsDir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });
  }

  /** Saves `NN-<name>.png`; the numbering keeps the story in order. */
  async screenshot(name: string): Promise<string> {
    this.shots += 1;
    const file = path.join(this.resultsDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Opens the notification centre (every notification not yet closed, toasts that hid
   * themselves included), saves it as `NN-<name>.png` and its messages as `<name>.txt`, and
   * closes it again: while it is open, VS Code shows no toasts, which the next test may need.
   */
  async saveNotifications(name: string): Promise<void> {
    await this.runCommand('Notifications: Show Notifications');
    try {
      const messages = this.page.locator('.notifications-center .notification-list-item-message');
      await this.page.locator('.notifications-center').waitFor({ timeout: UI_TIMEOUT_MS });
      const texts = await messages.allInnerTexts();
      writeFileSync(path.join(this.resultsDir, `${name}.txt`), `${texts.join('\n') || '(none)'}\n`);
      await this.screenshot(name);
    } finally {
      await this.runCommand('Notifications: Hide Notifications');
    }
  }

  /** Waits until the status bar says the backend runs and its services are usable (a check mark). */
  async waitForBackendReady(): Promise<void> {
    await this.page
      .locator('.statusbar-item', { has: this.page.locator('.codicon-check') })
      .filter({ hasText: /^\s*Takoss\s*$/ })
      .first()
      .waitFor({ timeout: 60_000 });
  }

  /** Waits until the Takoss contributions are in the workbench (the extension host is up). */
  async waitForTakoss(): Promise<void> {
    await this.activityBarItem().waitFor({ timeout: 60_000 });
  }

  activityBarItem(): Locator {
    return this.page.locator('.activitybar .action-item [aria-label^="Takoss"]').first();
  }

  /** F1, the command's title, Enter. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInputBox();
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    await input.fill(`>${title}`);
    // Click the matching row: Enter would run whichever command ranks first.
    await this.quickPickRow(title).click({ timeout: UI_TIMEOUT_MS });
  }

  quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  quickInputTitle(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-title');
  }

  quickPickRow(label: string | RegExp): Locator {
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ hasText: label })
      .first();
  }

  /** Waits for a quick input with this title, types the text and presses Enter. */
  async answerInput(title: string | RegExp, text: string): Promise<void> {
    await this.quickInputTitle().filter({ hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
    await this.quickInputBox().fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for a quick pick with this title and picks the row with this label. */
  async pick(title: string | RegExp, label: string | RegExp): Promise<void> {
    await this.quickInputTitle().filter({ hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
    await this.quickPickRow(label).click();
  }

  /** Notes every toast from now on, even one that closes itself before a test looks (toastsSeen). */
  async recordToasts(): Promise<void> {
    await this.page.evaluate(TOAST_RECORDER);
  }

  /** The messages of the toasts shown since recordToasts. */
  async toastsSeen(): Promise<string[]> {
    return this.page.evaluate<string[]>('[...(window.takossToasts?.seen ?? [])]');
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  }

  async clickNotificationButton(text: string | RegExp, button: string): Promise<void> {
    const toast = this.notification(text);
    await toast.waitFor({ timeout: UI_TIMEOUT_MS });
    await toast.getByRole('button', { name: button, exact: true }).click();
  }

  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  async clickDialogButton(button: string | RegExp): Promise<void> {
    await this.dialog().waitFor({ timeout: UI_TIMEOUT_MS });
    await this.dialog()
      .getByRole('button', { name: button, exact: typeof button === 'string' })
      .click();
  }

  /** F1 → Takoss: Build App → the request → Start (when the API key is already there). */
  async startBuild(request: string): Promise<void> {
    await this.runCommand('Takoss: Build App');
    await this.answerInput('Takoss: Build App', request);
    await this.pick('Takoss: Build options', 'Start the build');
  }

  /** Closes every notification, so that screenshots show what is behind them. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** Opens the Takoss sidebar (idempotent: a second click would close it). */
  async openTakossSidebar(): Promise<void> {
    if (!(await this.viewPane('Chains').isVisible())) await this.activityBarItem().click();
    await this.viewPane('Templates').waitFor({ timeout: UI_TIMEOUT_MS });
  }

  viewPane(title: string): Locator {
    return this.page.locator('.split-view-view .pane').filter({
      has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }),
    });
  }

  treeRow(view: string, label: string | RegExp): Locator {
    return this.viewPane(view).locator('.monaco-list-row').filter({ hasText: label }).first();
  }

  /** Expands a collapsed tree row (clicking the row of a chain would open its graph instead). */
  async expand(row: Locator): Promise<void> {
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
    }
  }

  /** The task-graph webview's document: the inner frame of the visible Takoss webview (one panel per chain). */
  graph(): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"] >> visible=true`)
      .frameLocator('#active-frame');
  }

  taskNode(taskId: string): Locator {
    return this.graph().locator(`[data-testid="task-node-${taskId}"]`);
  }

  /** The visible lines of the active editor, in no particular order (Monaco positions each .view-line). */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    // Monaco renders spaces as no-break spaces.
    return (await lines.allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
  }

  /** Ctrl+F in the active editor: whether the text is found (the editor renders only visible lines). */
  async findInActiveEditor(text: string): Promise<boolean> {
    await this.page.keyboard.press('Control+F');
    const find = this.page.locator('.editor-group-container.active .find-widget.visible');
    await find.locator('textarea, input').first().fill(text);
    // The count still shows the previous search for a moment: wait until it holds still.
    const count = find.locator('.matchesCount');
    let previous = '';
    const result = await eventually(
      `the find result for "${text}"`,
      async () => {
        const now = (await count.innerText()).trim();
        const settled = now !== '' && now === previous;
        previous = now;
        return settled ? now : undefined;
      },
      UI_TIMEOUT_MS,
      300,
    );
    await this.page.keyboard.press('Escape');
    return !/no results/i.test(result);
  }

  activeTabTitle(): Locator {
    return this.page.locator('.editor-group-container.active .tab.active .label-name');
  }
}
