import type { MiddlewareHandler } from 'hono';
// Not from sanitize.ts: that loads sanitize-html, which the web processes never run.
import { IFRAME_HOSTS } from '../../../normalize/iframe-hosts.ts';

/**
 * No inline script or style anywhere, so the policy needs neither nonces nor 'unsafe-inline'. Item content
 * may embed videos from the players the sanitizer keeps (its IFRAME_HOSTS are the `frame-src`); images come through the media proxy (web/media.ts),
 * so the page loads none from foreign hosts — unless the proxy is turned off (`server.mediaProxy: off`).
 */
const policy = (images: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${images}`,
    'media-src *',
    `frame-src ${[...IFRAME_HOSTS].map((host) => `https://${host}`).join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

const CONTENT_SECURITY_POLICY = policy("'self' data:");
const POLICY_WITHOUT_PROXY = policy('* data:');

const HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // Outbound clicks must not tell publishers what the reader reads. Not `no-referrer`: with it, Chromium sends
  // `Origin: null` on same-site form posts and the Origin check could no longer tell them from forged ones.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

export function securityHeaders(mediaProxied: () => boolean = () => true): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.res.headers.set('Content-Security-Policy', mediaProxied() ? CONTENT_SECURITY_POLICY : POLICY_WITHOUT_PROXY);
    }
    for (const [name, value] of Object.entries(HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  };
}
