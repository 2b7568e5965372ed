/** Query parameters that only track the reader and never change what a URL points at. */
const TRACKING_PARAM =
  /^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|_hsenc|_hsmi|igshid|wt_mc|wt\.mc_id|at_medium|at_campaign|ito|cmpid|ncid|sr_share|spm)$/i;

/** Resolves `href` against `base`; returns undefined for anything that is not an absolute http(s) URL afterwards. */
export function resolveUrl(href: string | undefined | null, base?: string): string | undefined {
  if (!href) return undefined;
  const trimmed = href.trim();
  if (!trimmed) return undefined;
  try {
    const url = base ? new URL(trimmed, base) : new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * Canonical form of a link for identity and duplicate checks: lower-case scheme and host (WHATWG URL does that),
 * no default port, no fragment, no tracking parameters, remaining parameters kept in their order.
 */
export function normalizeLink(href: string): string {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return href.trim();
  }
  url.hash = '';
  const kept = [...url.searchParams].filter(([key]) => !TRACKING_PARAM.test(key));
  url.search = '';
  for (const [key, value] of kept) url.searchParams.append(key, value);
  return url.href;
}

/**
 * Key under which two feed URLs count as the same subscription: normalised link, and http/https and a
 * trailing slash do not matter.
 */
export function feedUrlKey(href: string): string {
  const normal = normalizeLink(href);
  return normal
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '')
    .replace(/^www\./, '');
}

export function hostOf(href: string): string {
  try {
    return new URL(href).host.toLowerCase();
  } catch {
    return '';
  }
}
