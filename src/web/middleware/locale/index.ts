import type { MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import { type DetectorOptions, detectFromQuery, languageDetector } from 'hono/language';
import { isLocale, LOCALES, type Locale, type T, translator } from '../../../../views/i18n.ts';
import type { WebEnv } from '../../env.ts';

const REMEMBER_SECONDS = 365 * 86_400;

/** `?lang=` first, then the `lang` cookie, then Accept-Language (q-values honoured, `de-AT` → de); English else. */
const DETECTION: DetectorOptions = {
  order: ['querystring', 'cookie', 'header'],
  lookupQueryString: 'lang',
  lookupCookie: 'lang',
  lookupFromHeaderKey: 'accept-language',
  lookupFromPathIndex: 0,
  // Only an explicit choice is remembered (below): a language read from Accept-Language must follow the browser.
  caches: false,
  ignoreCase: true,
  fallbackLanguage: 'en',
  supportedLanguages: [...LOCALES],
};

/** The page language (hono/language's detector) and its translator; `?lang=` is remembered in a cookie. */
export function localeMiddleware(): MiddlewareHandler<WebEnv> {
  const detect = languageDetector(DETECTION);
  const translators = Object.fromEntries(LOCALES.map((l) => [l, translator(l)])) as Record<Locale, T>;
  return async (c, next) => {
    await detect(c, async () => {});
    const chosen = detectFromQuery(c, DETECTION);
    if (chosen) {
      setCookie(c, 'lang', chosen, { path: '/', maxAge: REMEMBER_SECONDS, sameSite: 'Lax', httpOnly: true });
    }
    const language = c.var.language;
    const locale: Locale = isLocale(language) ? language : 'en';
    c.set('locale', locale);
    c.set('t', translators[locale]);
    await next();
    c.res.headers.append('Vary', 'Accept-Language, Cookie');
  };
}
