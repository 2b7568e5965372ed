import type { SiteRule } from '../config/schema.ts';

/** The config's rule for a page: the longest `host` that is the page's host or a parent domain of it. */
export function siteRuleFor(pageUrl: string, rules: readonly SiteRule[]): SiteRule | undefined {
  let host: string;
  try {
    host = new URL(pageUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  let best: SiteRule | undefined;
  for (const rule of rules) {
    const matches = host === rule.host || host.endsWith(`.${rule.host}`);
    if (matches && (!best || rule.host.length > best.host.length)) best = rule;
  }
  return best;
}
