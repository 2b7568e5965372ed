/**
 * Embeds from these hosts (https only) are allowed, sandboxed; every other iframe is dropped. The web pages' CSP
 * `frame-src` is built from this same list (web/security.ts), so a kept embed is never one the browser blocks.
 */
export const IFRAME_HOSTS: ReadonlySet<string> = new Set([
  'www.youtube.com',
  'youtube.com',
  'www.youtube-nocookie.com',
  'youtube-nocookie.com',
  'player.vimeo.com',
]);
