/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Section, SidebarData, ViewCtx } from './context.ts';
import { withQuery } from './context.ts';
import { Count, PostForm } from './parts.tsx';
import { sidebarCategoriesHtml } from './strings.ts';

function NavLink({ ctx, href, section, children }: { ctx: ViewCtx; href: string; section: Section; children: Child }) {
  return (
    <a href={href} class="nav-link" aria-current={ctx.section === section ? 'page' : undefined}>
      {children}
    </a>
  );
}

function SidebarLink({
  href,
  current,
  count,
  countKey,
  children,
}: {
  href: string;
  current: boolean;
  count?: number;
  /** Which of the unread counts this link shows (`total`, `starred`): app.js updates it after an action. */
  countKey?: string;
  children: Child;
}) {
  return (
    <li>
      <a data-count={countKey} href={href} aria-current={current ? 'page' : undefined} class="side-link">
        <span class="side-label">{children}</span>
        <Count n={count} />
      </a>
    </li>
  );
}

function Sidebar({ ctx, data }: { ctx: ViewCtx; data: SidebarData }) {
  const { t } = ctx;
  return (
    <aside id="sidebar" class="sidebar" aria-label={t('sidebar')}>
      <nav aria-label={t('sidebar')}>
        <ul class="side-list">
          <SidebarLink
            href="/"
            current={ctx.section === 'unread' && !data.current}
            count={data.counts.total}
            countKey="total"
          >
            {t('navUnread')}
          </SidebarLink>
          <SidebarLink href="/all" current={ctx.section === 'all' && !data.current}>
            {t('navAll')}
          </SidebarLink>
          <SidebarLink
            href="/starred"
            current={ctx.section === 'starred'}
            count={data.counts.starred}
            countKey="starred"
          >
            {t('navStarred')}
          </SidebarLink>
        </ul>
        {data.topics.length > 0 && (
          <>
            <h2 class="side-heading">{t('navTopics')}</h2>
            <ul class="side-list">
              {data.topics.map((topic) => (
                <SidebarLink href={`/topics/${topic.slug}`} current={data.current === `topic:${topic.slug}`}>
                  {topic.title}
                </SidebarLink>
              ))}
            </ul>
          </>
        )}
        <h2 class="side-heading">{t('navCategories')}</h2>
        {sidebarCategoriesHtml(ctx, data)}
      </nav>
    </aside>
  );
}

function HelpDialog({ ctx }: { ctx: ViewCtx }) {
  const { t } = ctx;
  const rows: [string[], string][] = [
    [['j'], t('kbNext')],
    [['k'], t('kbPrev')],
    [['o', 'Enter'], t('kbOpen')],
    [['v'], t('kbOriginal')],
    [['m'], t('kbToggleRead')],
    [['s'], t('kbStar')],
    [['/'], t('kbSearch')],
    [['g', 'u'], t('kbGoUnread')],
    [['g', 'a'], t('kbGoAll')],
    [['g', 's'], t('kbGoSources')],
    [['?'], t('kbHelp')],
  ];
  return (
    <dl class="shortcuts">
      {rows.map(([keys, label]) => (
        <>
          <dt>
            {keys.map((k, i) => (
              <>
                {i > 0 && (keys[0] === 'g' ? ` ${t('kbThen')} ` : ' / ')}
                <kbd>{k}</kbd>
              </>
            ))}
          </dt>
          <dd>{label}</dd>
        </>
      ))}
    </dl>
  );
}

export function KeyboardHelp({ ctx }: { ctx: ViewCtx }) {
  return <HelpDialog ctx={ctx} />;
}

/** After "mark all shown as read": how many, and a plain form that marks exactly those unread again. */
function UndoNotice({ ctx, ids }: { ctx: ViewCtx; ids: number[] }) {
  return (
    <div class="notice undo-notice" role="status">
      {ctx.t('markAllReadDone', { n: ids.length })}{' '}
      <PostForm ctx={ctx} action="/mark-all-read/undo" fields={{ ids: ids.join(',') }}>
        <button type="submit" class="btn btn-small" data-undo="">
          {ctx.t('undo')}
        </button>
      </PostForm>
    </div>
  );
}

export function Layout({ ctx, title, children }: { ctx: ViewCtx; title: string; children: Child }) {
  const { t } = ctx;
  const otherLocale = ctx.locale === 'de' ? 'en' : 'de';
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="referrer" content="same-origin" />
        <title>{title === t('appName') ? title : `${title} · ${t('appName')}`}</title>
        <link rel="stylesheet" href={ctx.assets.css} />
        <link rel="icon" href={ctx.assets.icon} type="image/svg+xml" />
        {ctx.feeds.map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <script src={ctx.assets.js} defer />
      </head>
      <body data-csrf={ctx.csrfToken} data-can-edit={ctx.canEdit ? '1' : '0'}>
        <a class="skip-link" href="#main">
          {t('skipToContent')}
        </a>
        <header class="site-header">
          <div class="header-row">
            {ctx.sidebar && (
              <a href="#sidebar" class="menu-link" data-menu-toggle="" aria-controls="sidebar">
                <span aria-hidden="true">☰</span> {t('menu')}
              </a>
            )}
            <a href="/" class="brand">
              {t('appName')}
            </a>
            <search class="search-form-wrap">
              <form method="get" action="/search" class="search-form">
                <label for="q" class="visually-hidden">
                  {t('searchLabel')}
                </label>
                <input type="search" id="q" name="q" placeholder={t('searchPlaceholder')} autocomplete="off" />
                <button type="submit" class="btn">
                  {t('searchButton')}
                </button>
              </form>
            </search>
          </div>
          <nav class="main-nav" aria-label={t('mainNav')}>
            <NavLink ctx={ctx} href="/" section="unread">
              {t('navUnread')}
            </NavLink>
            <NavLink ctx={ctx} href="/all" section="all">
              {t('navAll')}
            </NavLink>
            <NavLink ctx={ctx} href="/starred" section="starred">
              {t('navStarred')}
            </NavLink>
            <NavLink ctx={ctx} href="/topics" section="topics">
              {t('navTopics')}
            </NavLink>
            <NavLink ctx={ctx} href="/sources" section="sources">
              {t('navSources')}
            </NavLink>
            <span class="nav-spacer" />
            <a
              href={withQuery(ctx.here, { lang: otherLocale })}
              class="nav-link"
              hreflang={otherLocale}
              lang={otherLocale}
            >
              {otherLocale === 'de' ? 'Deutsch' : 'English'}
            </a>
            {ctx.loginEnabled &&
              (ctx.loggedIn ? (
                <PostForm ctx={ctx} action="/logout">
                  <button type="submit" class="btn btn-link nav-link">
                    {t('logout')}
                  </button>
                </PostForm>
              ) : (
                <a href={withQuery('/login', { next: ctx.here })} class="nav-link">
                  {t('login')}
                </a>
              ))}
          </nav>
        </header>
        <div class={ctx.sidebar ? 'page with-sidebar' : 'page'}>
          <main id="main" tabindex={-1}>
            {ctx.undo && ctx.canEdit && <UndoNotice ctx={ctx} ids={ctx.undo} />}
            {children}
          </main>
          {ctx.sidebar && <Sidebar ctx={ctx} data={ctx.sidebar} />}
        </div>
        <footer class="site-footer">
          <a href="/help">{t('keyboardHelp')}</a> · <a href="/feeds/all.atom">{t('navFeeds')}</a> ·{' '}
          <a href="/opml.xml">OPML</a>
        </footer>
        <dialog id="help-dialog" class="help-dialog" aria-labelledby="help-title">
          <h2 id="help-title">{t('keyboardHelp')}</h2>
          <HelpDialog ctx={ctx} />
          <form method="dialog">
            <button type="submit" class="btn">
              {t('close')}
            </button>
          </form>
        </dialog>
      </body>
    </html>
  );
}
