import type { Context } from 'hono';
import type { Locale, T } from '../../views/i18n.ts';
import type { Session } from './auth.ts';

/** Per-request facts, set by the middleware (middleware/<name>/) and read by routes and views. */
export interface WebEnv {
  Variables: {
    /** Set by hono/language's detector (middleware/locale); `locale` is the same, typed. */
    language: string;
    locale: Locale;
    t: T;
    session: Session;
    secret: string;
    csrfToken: string;
    loginEnabled: boolean;
    loggedIn: boolean;
    canEdit: boolean;
  };
}

export type WebContext = Context<WebEnv>;
