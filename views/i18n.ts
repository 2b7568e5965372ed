/** Every UI string of the web reader, in English and German. Views get a `T` and never hard-code text. */

import { manageDe, manageEn } from './i18n-manage.ts';

export type Locale = 'en' | 'de';
export const LOCALES: readonly Locale[] = ['en', 'de'];

const en = {
  ...manageEn,
  appName: 'Rundschau',
  skipToContent: 'Skip to content',
  menu: 'Menu',
  navUnread: 'Unread',
  navAll: 'All items',
  navStarred: 'Starred',
  navSources: 'Sources',
  navTopics: 'Topics',
  navSearch: 'Search',
  navCategories: 'Categories',
  navFeeds: 'Feeds',
  mainNav: 'Main',
  sidebar: 'Sources and categories',
  searchLabel: 'Search titles and content',
  searchPlaceholder: 'Search…',
  searchButton: 'Search',
  searchResultsFor: 'Results for “{q}”',
  searchNoResults: 'Nothing found.',
  searchHint:
    'Type words to find items with all of them; German and English words match their inflected forms. "exact phrase" for words in a row, a OR b for either, -word to leave out.',
  searchNothingToFind: 'Nothing to search for: type at least one word (quotes, OR and - alone find nothing).',
  searchOnlyExcluded: 'Add a word to search for: -word only leaves out what another word found.',
  showUnread: 'Unread',
  showAll: 'All',
  show: 'Show',
  unreadCount: '{n} unread',
  keepsDays: 'keeps {n} days',
  keepsItems: 'keeps {n} items',
  keepsDefault: 'default retention',
  markRead: 'Mark as read',
  markUnread: 'Mark as unread',
  storySources: '{n} sources',
  storyReports: 'Reported by',
  storyReadHint: 'Marks all reports of this story',
  star: 'Star',
  unstar: 'Unstar',
  starred: 'Starred',
  markAllRead: 'Mark all shown as read',
  markAllReadDone: '{n} marked as read',
  undo: 'Undo',
  newerItem: 'Newer',
  olderItem: 'Older',
  older: 'Older items',
  newest: 'Newest',
  emptyUnread: 'All caught up: nothing unread here.',
  emptyAll: 'No items yet.',
  openOriginal: 'Open original',
  by: 'by {author}',
  categories: 'Categories',
  enclosures: 'Attachments',
  published: 'Published',
  updated: 'Updated',
  dateEstimated: 'date estimated',
  noContent: 'This entry has no content beyond its summary.',
  loadFullText: 'Load full article',
  fullTextShown: 'Full article from the linked page.',
  fullTextFeedShown: 'The feed’s own text.',
  fullTextShowFeed: 'Show the feed’s text',
  fullTextShowArticle: 'Show the full article',
  fullTextQueued: 'The full article will be loaded shortly.',
  fullTextFailed: 'The full article could not be loaded ({reason}); this is the feed’s text.',
  whyHere: 'Why is this here?',
  topicScore: 'Score',
  decision: 'Decision',
  decisionAuto: 'automatic',
  decisionPinned: 'pinned',
  decisionExcluded: 'excluded',
  included: 'included',
  notIncluded: 'not included',
  pin: 'Pin',
  exclude: 'Exclude',
  resetDecision: 'Reset to automatic',
  evidence: 'Evidence',
  matchedTerms: 'Matched',
  fieldTitle: 'title',
  fieldSummary: 'summary',
  fieldContent: 'text',
  backToList: 'Back to the list',
  sourcesTitle: 'Sources',
  sourceHealth: 'Health',
  status_new: 'new',
  status_ok: 'ok',
  status_degraded: 'degraded',
  status_failing: 'failing',
  status_dead: 'dead',
  lastSuccess: 'Last success',
  lastError: 'Last error',
  nextFetch: 'Next fetch',
  itemsPerWeek: 'Items/week',
  consecutiveErrors: 'Errors in a row',
  never: 'never',
  due: 'due now',
  notInConfig: 'removed from config',
  disabled: 'disabled',
  noSources: 'No sources configured yet.',
  topicsTitle: 'Topics',
  noTopics: 'No topics configured.',
  topicNotFound: 'No such topic.',
  subscribe: 'Subscribe',
  subscribeHint: 'Follow this topic in any feed reader:',
  copyHint: 'Copy a link into your feed reader.',
  login: 'Log in',
  logout: 'Log out',
  password: 'Password',
  loginFailed: 'Wrong password.',
  loginRateLimited: 'Too many attempts. Wait a minute and try again.',
  loginRequired: 'Log in to change anything.',
  loginToRead: 'This reader is private. Log in to read.',
  forbidden: 'Forbidden',
  csrfFailed: 'The form expired or came from another site. Go back, reload and try again.',
  notFound: 'Not found',
  notFoundText: 'There is nothing at this address.',
  errorTitle: 'Something went wrong',
  keyboardHelp: 'Keyboard shortcuts',
  close: 'Close',
  kbNext: 'next item',
  kbPrev: 'previous item',
  kbOpen: 'open item',
  kbOriginal: 'open the original',
  kbToggleRead: 'toggle read',
  kbStar: 'toggle star',
  kbSearch: 'search',
  kbGoUnread: 'go to unread',
  kbGoAll: 'go to all items',
  kbGoSources: 'go to sources',
  kbHelp: 'this help',
  kbThen: 'then',
  language: 'Language',
  score: 'score {s}',
  allFeedsTitle: 'All items',
  pageOf: 'Page',
} as const;

export type Messages = { [K in keyof typeof en]: string };

const de: Messages = {
  ...manageDe,
  appName: 'Rundschau',
  skipToContent: 'Zum Inhalt springen',
  menu: 'Menü',
  navUnread: 'Ungelesen',
  navAll: 'Alle Artikel',
  navStarred: 'Markiert',
  navSources: 'Quellen',
  navTopics: 'Themen',
  navSearch: 'Suche',
  navCategories: 'Kategorien',
  navFeeds: 'Feeds',
  mainNav: 'Hauptnavigation',
  sidebar: 'Quellen und Kategorien',
  searchLabel: 'Titel und Inhalte durchsuchen',
  searchPlaceholder: 'Suchen…',
  searchButton: 'Suchen',
  searchResultsFor: 'Ergebnisse für „{q}“',
  searchNoResults: 'Nichts gefunden.',
  searchHint:
    'Wörter eingeben, um Artikel mit allen davon zu finden; deutsche und englische Wörter finden auch ihre Beugungsformen. "genaue Wendung" für Wörter in Folge, a OR b für eins von beiden, -wort zum Ausschließen.',
  searchNothingToFind:
    'Nichts zu suchen: mindestens ein Wort eingeben (Anführungszeichen, OR und - allein finden nichts).',
  searchOnlyExcluded: 'Ein Suchwort ergänzen: -wort schließt nur aus, was ein anderes Wort gefunden hat.',
  showUnread: 'Ungelesen',
  showAll: 'Alle',
  show: 'Anzeigen',
  unreadCount: '{n} ungelesen',
  keepsDays: 'behält {n} Tage',
  keepsItems: 'behält {n} Artikel',
  keepsDefault: 'Standard-Aufbewahrung',
  markRead: 'Als gelesen markieren',
  markUnread: 'Als ungelesen markieren',
  storySources: '{n} Quellen',
  storyReports: 'Berichtet von',
  storyReadHint: 'Markiert alle Berichte dieser Meldung',
  star: 'Markieren',
  unstar: 'Markierung entfernen',
  starred: 'Markiert',
  markAllRead: 'Alle angezeigten als gelesen markieren',
  markAllReadDone: '{n} als gelesen markiert',
  undo: 'Rückgängig',
  newerItem: 'Neuer',
  olderItem: 'Älter',
  older: 'Ältere Artikel',
  newest: 'Neueste',
  emptyUnread: 'Alles gelesen: hier ist nichts Ungelesenes.',
  emptyAll: 'Noch keine Artikel.',
  openOriginal: 'Original öffnen',
  by: 'von {author}',
  categories: 'Kategorien',
  enclosures: 'Anhänge',
  published: 'Veröffentlicht',
  updated: 'Aktualisiert',
  dateEstimated: 'Datum geschätzt',
  noContent: 'Dieser Eintrag hat keinen Inhalt über die Zusammenfassung hinaus.',
  loadFullText: 'Ganzen Artikel laden',
  fullTextShown: 'Ganzer Artikel von der verlinkten Seite.',
  fullTextFeedShown: 'Der Text des Feeds.',
  fullTextShowFeed: 'Text des Feeds zeigen',
  fullTextShowArticle: 'Ganzen Artikel zeigen',
  fullTextQueued: 'Der ganze Artikel wird in Kürze geladen.',
  fullTextFailed: 'Der ganze Artikel konnte nicht geladen werden ({reason}); dies ist der Text des Feeds.',
  whyHere: 'Warum steht das hier?',
  topicScore: 'Punktzahl',
  decision: 'Entscheidung',
  decisionAuto: 'automatisch',
  decisionPinned: 'angeheftet',
  decisionExcluded: 'ausgeschlossen',
  included: 'aufgenommen',
  notIncluded: 'nicht aufgenommen',
  pin: 'Anheften',
  exclude: 'Ausschließen',
  resetDecision: 'Auf automatisch zurücksetzen',
  evidence: 'Begründung',
  matchedTerms: 'Treffer',
  fieldTitle: 'Titel',
  fieldSummary: 'Anriss',
  fieldContent: 'Text',
  backToList: 'Zurück zur Liste',
  sourcesTitle: 'Quellen',
  sourceHealth: 'Zustand',
  status_new: 'neu',
  status_ok: 'ok',
  status_degraded: 'beeinträchtigt',
  status_failing: 'fehlerhaft',
  status_dead: 'tot',
  lastSuccess: 'Letzter Erfolg',
  lastError: 'Letzter Fehler',
  nextFetch: 'Nächster Abruf',
  itemsPerWeek: 'Artikel/Woche',
  consecutiveErrors: 'Fehler in Folge',
  never: 'nie',
  due: 'jetzt fällig',
  notInConfig: 'aus der Konfiguration entfernt',
  disabled: 'deaktiviert',
  noSources: 'Noch keine Quellen konfiguriert.',
  topicsTitle: 'Themen',
  noTopics: 'Keine Themen konfiguriert.',
  topicNotFound: 'Dieses Thema gibt es nicht.',
  subscribe: 'Abonnieren',
  subscribeHint: 'Dieses Thema in jedem Feedreader abonnieren:',
  copyHint: 'Einen Link in den Feedreader kopieren.',
  login: 'Anmelden',
  logout: 'Abmelden',
  password: 'Passwort',
  loginFailed: 'Falsches Passwort.',
  loginRateLimited: 'Zu viele Versuche. Bitte eine Minute warten.',
  loginRequired: 'Zum Ändern bitte anmelden.',
  loginToRead: 'Dieser Reader ist privat. Zum Lesen bitte anmelden.',
  forbidden: 'Verboten',
  csrfFailed: 'Das Formular ist abgelaufen oder kam von einer anderen Seite. Zurückgehen, neu laden, erneut versuchen.',
  notFound: 'Nicht gefunden',
  notFoundText: 'Unter dieser Adresse gibt es nichts.',
  errorTitle: 'Etwas ist schiefgegangen',
  keyboardHelp: 'Tastenkürzel',
  close: 'Schließen',
  kbNext: 'nächster Artikel',
  kbPrev: 'vorheriger Artikel',
  kbOpen: 'Artikel öffnen',
  kbOriginal: 'Original öffnen',
  kbToggleRead: 'gelesen umschalten',
  kbStar: 'Markierung umschalten',
  kbSearch: 'Suche',
  kbGoUnread: 'zu Ungelesen',
  kbGoAll: 'zu allen Artikeln',
  kbGoSources: 'zu den Quellen',
  kbHelp: 'diese Hilfe',
  kbThen: 'dann',
  language: 'Sprache',
  score: 'Punktzahl {s}',
  allFeedsTitle: 'Alle Artikel',
  pageOf: 'Seite',
};

const MESSAGES: Record<Locale, Messages> = { en, de };

/** Looks up a message and fills `{name}` placeholders. */
export type T = (key: keyof Messages, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): T {
  const messages = MESSAGES[locale];
  return (key, vars) => {
    const text = messages[key];
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}

export function isLocale(value: string | undefined | null): value is Locale {
  return value === 'en' || value === 'de';
}

interface Formatters {
  relative: Intl.RelativeTimeFormat;
  absolute: Intl.DateTimeFormat;
  number: Intl.NumberFormat;
}

// Building Intl formatters costs far more than using them: one set per locale for the process.
const formatters = new Map<Locale, Formatters>();

function formattersFor(locale: Locale): Formatters {
  let f = formatters.get(locale);
  if (!f) {
    f = {
      relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' }),
      absolute: new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: process.env.TZ || undefined,
      }),
      number: new Intl.NumberFormat(locale),
    };
    formatters.set(locale, f);
  }
  return f;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 h ago" / "vor 3 Std." (or "in 5 min" for future times). */
// Intl formatting is a visible part of rendering a river (100 dates a page): remember what was formatted.
const relativeCache = new Map<string, string>();
const absoluteCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, make: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    if (cache.size > 20_000) cache.clear();
    text = make();
    cache.set(key, text);
  }
  return text;
}

export function relativeTime(locale: Locale, at: number, now: number): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) {
      const n = Math.round(diff / ms);
      return remember(relativeCache, `${locale}${unit}${n}`, () => formattersFor(locale).relative.format(n, unit));
    }
  }
  return remember(relativeCache, `${locale}now`, () => formattersFor(locale).relative.format(0, 'minute'));
}

export function absoluteTime(locale: Locale, at: number): string {
  return remember(absoluteCache, `${locale}${at}`, () => formattersFor(locale).absolute.format(at));
}

export function formatNumber(locale: Locale, n: number): string {
  return formattersFor(locale).number.format(n);
}
