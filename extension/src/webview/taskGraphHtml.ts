/**
 * The task-graph webview's HTML: a strict Content Security Policy (no inline script or
 * style, only the bundle loaded with a per-load nonce), the built assets, and an empty root
 * for React. Pure, so the policy is unit-tested.
 */
import { randomBytes } from 'node:crypto';

export interface TaskGraphHtmlOptions {
  /** `webview.cspSource`: the origin the webview loads local resources from. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
  readonly nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0) ?? 0};`);

export function taskGraphHtml(options: TaskGraphHtmlOptions): string {
  const nonce = options.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="root" role="application" aria-label="${escapeHtml(options.title)}"></div>
<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}
