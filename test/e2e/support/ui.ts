// Driving VS Code's workbench (code-server in Debian's chromium) through playwright-core, the
// way a person does: keyboard shortcuts, Quick Open, the Command Palette, clicks in the editor's
// gutter, reading what the views and notifications show. Selectors are VS Code's own DOM
// classes (monaco-workbench, quick-input-widget, glyph-margin, ...).
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's chromium with the flags the design brief lists (headless, no network services). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined/false, or fails naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

export class Workbench {
  private shot = 0;
  readonly shots: string[] = [];
  constructor(readonly page: Page, readonly artifacts: string) {
    mkdirSync(artifacts, { recursive: true });
  }

  async screenshot(name: string): Promise<string> {
    const file = join(this.artifacts, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    this.shots.push(file);
    console.log(`      screenshot: ${file}`);
    return file;
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
    // The explorer shows the folder once the remote file system answers.
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the Command Palette and runs the command with this exact title (or a prefix of it).
   * An extension's commands are listed once its extension host has registered it: until then
   * the palette is closed and opened again. */
  async command(title: string, timeoutMs = 90_000): Promise<void> {
    const input = this.quickInput().locator('input');
    const row = this.quickInput().locator('.monaco-list-row', { hasText: title }).first();
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: 5_000 });
        break;
      } catch (e) {
        if (Date.now() > end) throw new Error(`the Command Palette has no command '${title}' after ${timeoutMs / 1000} s`);
        await this.page.keyboard.press('Escape');
        await sleep(1000);
      }
    }
    await input.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
  }

  /** Waits until the Command Palette lists `title` (the extension that contributes it is loaded), without running it. */
  async waitForCommand(title: string, timeoutMs = 90_000): Promise<void> {
    const input = this.quickInput().locator('input');
    const row = this.quickInput().locator('.monaco-list-row', { hasText: title }).first();
    await until(`the command '${title}' in the Command Palette`, async () => {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      const found = await row.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
      await this.page.keyboard.press('Escape');
      return found;
    }, timeoutMs, 1000);
  }

  /** Picks an entry in an open quick pick by its label. */
  async pick(label: string): Promise<void> {
    const row = this.quickInput().locator('.monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
  }

  /** Quick Open (Ctrl+P): opens the file whose path ends with `path`. */
  async openFile(path: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(path);
    const base = path.split('/').pop()!;
    await this.quickInput().locator('.monaco-list-row', { hasText: base }).first().waitFor({ timeout: 30_000 });
    await input.press('Enter');
    await this.page.locator('.editor-group-container.active .tab.active', { hasText: base }).waitFor({ timeout: 30_000 });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout: 30_000 });
  }

  /** Go to Line (Ctrl+G) in the active editor. */
  async gotoLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`:${line}`);
    await input.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
  }

  private activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /** The line-number element of `line` in the active editor (the line must be on screen). */
  private lineNumber(line: number): Locator {
    return this.activeEditor().locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^\\s*${line}\\s*$`) }).first();
  }

  /** Clicks the editor's gutter (the glyph margin) at `line`, as a person sets a breakpoint. */
  async clickGutter(line: number): Promise<void> {
    await this.gotoLine(line);
    const num = this.lineNumber(line);
    await num.waitFor({ timeout: 15_000 });
    const box = (await num.boundingBox())!;
    const margin = (await this.activeEditor().locator('.margin').first().boundingBox())!;
    // The glyph margin is the margin's leftmost column, left of the line numbers.
    await this.page.mouse.click(margin.x + 8, box.y + box.height / 2);
  }

  /** The breakpoint glyph's classes at `line` of the active editor ('' when there is none). */
  async breakpointGlyph(line: number): Promise<string> {
    const num = this.lineNumber(line);
    const box = await num.boundingBox();
    if (!box) return '';
    return this.activeEditor().evaluate((ed, y) => {
      for (const el of Array.from(ed.querySelectorAll('.glyph-margin-widgets .codicon, .margin-view-overlays .codicon'))) {
        const r = el.getBoundingClientRect();
        if (r.height > 0 && y >= r.top - 1 && y <= r.bottom + 1 && /debug-breakpoint|debug-hint|debug-stackframe/.test(el.className)) return el.className;
      }
      return '';
    }, box.y + box.height / 2);
  }

  /** The line the debugger stopped at in the active editor (the top stack frame's highlight). */
  async stoppedLine(): Promise<number | undefined> {
    return this.activeEditor().evaluate((ed) => {
      const hl = ed.querySelector('.view-overlays .debug-top-stack-frame-line');
      if (!hl) return undefined;
      const top = hl.getBoundingClientRect().top;
      for (const n of Array.from(ed.querySelectorAll('.margin-view-overlays .line-numbers'))) {
        const r = n.getBoundingClientRect();
        if (Math.abs(r.top - top) < 3) return Number(n.textContent);
      }
      return undefined;
    });
  }

  /** The active editor tab's title. */
  async activeTab(): Promise<string> {
    return (await this.page.locator('.editor-group-container.active .tab.active').first().innerText()).replace(/\s+/g, '');
  }

  /** Rows of the Call Stack view, as text. */
  async callStack(): Promise<string[]> {
    return this.page.locator('.debug-call-stack .monaco-list-row').allInnerTexts();
  }

  /** Rows of a view (by its title in the pane header), as text. */
  async viewRows(title: string): Promise<string[]> {
    const pane = this.pane(title);
    if (!(await pane.count())) return [];
    // A tree item's label and description, separated (innerText runs them together).
    return pane.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => {
      const name = r.querySelector('.label-name')?.textContent?.trim();
      const desc = r.querySelector('.label-description')?.textContent?.trim();
      return name ? (desc ? `${name} (${desc})` : name) : (r.textContent ?? '').trim();
    }));
  }

  pane(title: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) }).first();
  }

  /** Expands a view in the current side bar container when it is collapsed. */
  async expandView(title: string): Promise<void> {
    const header = this.pane(title).locator('.pane-header').first();
    await header.waitFor({ timeout: 30_000 });
    // click the twistie end of the header: its middle may hold the view's title-bar actions (the Tasks view's Go)
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click({ position: { x: 12, y: 11 } });
  }

  /** Texts of the notifications (toasts) now on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** The message of a modal dialog now on screen (VS Code shows a failed launch this way). */
  async dialogMessage(): Promise<string | undefined> {
    // the message is in .dialog-message-text, or in .dialog-message-detail when it has no detail
    const d = this.page.locator('.monaco-dialog-box .dialog-message-container');
    return (await d.count()) ? (await d.first().innerText()).trim() : undefined;
  }

  /** Closes a modal dialog with its button `label` (Escape when none is given). */
  async closeDialog(label?: string): Promise<void> {
    if (label) await this.page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first().click();
    else await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  async clearNotifications(): Promise<void> {
    await this.command('Notifications: Clear All Notifications').catch(() => undefined);
  }

  /** The text of the terminal now shown in the panel (xterm's DOM rows). */
  async terminalText(): Promise<string> {
    const rows = this.page.locator('.terminal-wrapper.active .xterm-rows, .terminal .xterm-rows').first();
    if (!(await rows.count())) return '';
    return rows.evaluate((el) => Array.from(el.children).map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').trimEnd());
  }

  /** Focuses the panel's terminal and types a line into it: the line is sent with Enter once the
   * guest has echoed it (keys typed while the terminal did not have the focus are retried). */
  async typeInTerminal(text: string): Promise<void> {
    const term = this.page.locator('.terminal-wrapper.active .xterm, .terminal .xterm').first();
    const lastLine = async () => (await this.terminalText()).split('\n').pop() ?? '';
    for (let attempt = 1; ; attempt++) {
      await term.click();
      await this.page.locator('.terminal-wrapper.active .xterm-helper-textarea, .terminal .xterm-helper-textarea').first().focus().catch(() => undefined);
      await this.page.keyboard.type(text, { delay: 20 });
      const echoed = await until(`the terminal echoing '${text}'`, async () => (await lastLine()).endsWith(text), 10_000).then(() => true, () => false);
      if (echoed) break;
      if (attempt === 3) throw new Error(`the terminal did not echo '${text}' (last line: '${await lastLine()}')`);
      // whatever reached the guest's line editor goes (Ctrl-U erases the line)
      await this.page.keyboard.press('Control+U');
      await sleep(500);
    }
    await this.page.keyboard.press('Enter');
  }

  /** Names of the terminals in the panel's terminal list/tabs. */
  async terminalNames(): Promise<string[]> {
    const tabs = await this.page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').allInnerTexts();
    return tabs.map((t) => t.trim()).filter(Boolean);
  }

  async statusBarTexts(): Promise<string[]> {
    return this.page.locator('.statusbar-item').allInnerTexts();
  }

  /** Collapses the named views of the current side bar container (those that are expanded). */
  async collapseViews(titles: string[]): Promise<void> {
    for (const t of titles) {
      const header = this.pane(t).locator('.pane-header').first();
      if ((await header.count()) && (await header.getAttribute('aria-expanded')) === 'true') await header.click({ position: { x: 12, y: 11 } });
    }
  }

  /** Whether the last expandStoppedThread found the stopped thread collapsed (VS Code shows it open by itself). */
  stoppedThreadWasCollapsed = false;

  /** Expands the Call Stack's stopped thread (and its "more frames" row) and answers the rows. */
  async expandStoppedThread(): Promise<string[]> {
    await this.expandView('Call Stack');
    const rows = this.page.locator('.debug-call-stack .monaco-list-row');
    const thread = rows.filter({ hasText: /paused on/i }).first();
    await thread.waitFor({ timeout: 30_000 });
    this.stoppedThreadWasCollapsed = (await thread.getAttribute('aria-expanded')) === 'false';
    if (this.stoppedThreadWasCollapsed) await thread.locator('.monaco-tl-twistie').click();
    return until('frames under the stopped thread', async () => {
      const more = rows.filter({ hasText: /Load More Stack Frames|Show \d+ More Stack Frames/ });
      // the row may be replaced while VS Code loads frames: a short click, retried by until()
      if (await more.count()) { await more.first().click({ timeout: 2000 }); return undefined; }
      const texts = await rows.allInnerTexts();
      const i = texts.findIndex((t) => /paused on/i.test(t));
      const frames = texts.slice(i + 1).filter((t) => /\n\d+:\d+\s*$/.test(t));
      return frames.length ? texts : undefined;
    }, 30_000);
  }

  /** Rows of the Variables view as `name: value` (VS Code's own text), with each row's depth. */
  async variableRows(): Promise<Array<{ text: string; level: number; expanded: string | null }>> {
    return this.page.locator('.debug-variables .monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
      text: (r.textContent ?? '').replace(/\s+/g, ' ').trim(),
      level: Number(r.getAttribute('aria-level') ?? 0),
      expanded: r.getAttribute('aria-expanded'),
    })));
  }

  /** Expands the Variables view's row named `name` (its first row whose text starts with it). */
  async expandVariable(name: string, timeoutMs = 20_000): Promise<void> {
    const row = this.page.locator('.debug-variables .monaco-list-row').filter({ hasText: new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) }).first();
    // the list renders only the rows in view: scroll down until the row is there
    const list = this.page.locator('.debug-variables .monaco-list').first();
    const end = Date.now() + timeoutMs;
    while (!(await row.count())) {
      if (Date.now() > end) throw new Error(`no row ${name} in the Variables view`);
      await list.hover();
      await this.page.mouse.wheel(0, 120);
      await sleep(150);
    }
    await row.scrollIntoViewIfNeeded();
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }

  /** Rows of the Disassembly view (address, instruction), once it shows some. */
  async disassemblyRows(): Promise<string[]> {
    return this.page.locator('.disassembly-view .monaco-list-row, .disassembly-view .monaco-table-tr').evaluateAll((rows) =>
      rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean));
  }

  /** The text of the active editor's visible lines. */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    if (!(await lines.count())) return '';
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Types into the open quick input box (an input box a command showed) and presses Enter. */
  async answerInput(text: string): Promise<void> {
    const input = this.quickInput().locator('input').first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  async debugToolbarVisible(): Promise<boolean> {
    return this.page.locator('.debug-toolbar').isVisible();
  }
}
