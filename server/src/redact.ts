/**
 * Secrets never reach logs, messages, Redis, Postgres or the webview. These helpers are the
 * last line: every log line and every error shown to the user passes through `redactSecrets`.
 */

/** Hides the password of a connection URL, so it can be shown in messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^@/?#]*@/i, '$1***@');
}

const ANTHROPIC_KEY = /\bsk-ant-[A-Za-z0-9_-]{8,}/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]+@/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/** Masks API keys, bearer tokens and URL passwords anywhere in a text. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text.replace(ANTHROPIC_KEY, 'sk-ant-***').replace(URL_PASSWORD, '$1***@').replace(BEARER, '$1***');
  for (const secret of knownSecrets) {
    // Short values would mask ordinary words; real keys are long.
    if (secret.length >= 8) result = result.split(secret).join('***');
  }
  return result;
}
