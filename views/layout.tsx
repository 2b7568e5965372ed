/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { paths, withQuery } from '../src/lib/links.ts';
import type { Section, SidebarData, ViewCtx } from './context.ts';
import { PostForm } from './parts.tsx';
import { sidebarCategoriesHtml, sideLink } from './strings.ts';

function NavLink({ ctx, href, section, children }: { ctx: ViewCtx; href: string; section: Section; children: Child }) {
  return (
    <a href={href} class="nav-link" aria-current={ctx.section === section ? 'page' : undefined}>
      {children}
    </a>
  );
}

function SidebarLink(props: Parameters<typeof sideLink>[0]) {
  return <li>{sideLink(props)}</li>;
}

function Sidebar({ ctx, data }: { ctx: ViewCtx; data: SidebarData }) {
  const { t } = ctx;
  return (
    <aside id="sidebar" class="sidebar" aria-label={t('sidebar')}>
      <nav aria-label={t('sidebar')}>
        <ul class="side-list">
          <SidebarLink
            href={paths.unread()}
            label={t('navUnread')}
            current={ctx.section === 'unread' && !data.current}
            count={data.counts.total}
            countKey="total"
          />
          <SidebarLink href={paths.all()} label={t('navAll')} current={ctx.section === 'all' && !data.current} />
          <SidebarLink
            href={paths.starred()}
            label={t('navStarred')}
            current={ctx.section === 'starred'}
            count={data.counts.starred}
            countKey="starred"
          />
        </ul>
        {data.topics.length > 0 && (
          <>
            <h2 class="side-heading">{t('navTopics')}</h2>
            <ul class="side-list">
              {data.topics.map((topic) => (
                <SidebarLink
                  href={paths.topic(topic.slug)}
                  label={topic.title}
                  current={data.current?.kind === 'topic' && data.current.slug === topic.slug}
                />
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
      <PostForm ctx={ctx} action={paths.markAllReadUndo()} fields={{ ids: ids.join(',') }}>
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
            <a href={paths.unread()} class="brand">
              {t('appName')}
            </a>
            <search class="search-form-wrap">
              <form method="get" action={paths.search()} class="search-form">
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
            <NavLink ctx={ctx} href={paths.unread()} section="unread">
              {t('navUnread')}
            </NavLink>
            <NavLink ctx={ctx} href={paths.all()} section="all">
              {t('navAll')}
            </NavLink>
            <NavLink ctx={ctx} href={paths.starred()} section="starred">
              {t('navStarred')}
            </NavLink>
            <NavLink ctx={ctx} href={paths.topics()} section="topics">
              {t('navTopics')}
            </NavLink>
            <NavLink ctx={ctx} href={paths.sources()} section="sources">
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
                <PostForm ctx={ctx} action={paths.logout()}>
                  <button type="submit" class="btn btn-link nav-link">
                    {t('logout')}
                  </button>
                </PostForm>
              ) : (
                <a href={paths.login(ctx.here)} class="nav-link">
                  {t('login')}
                </a>
              ))}
          </nav>
        </header>
        <div class={ctx.sidebar ? 'page with-sidebar' : 'page'}>
          <main id="main" tabindex={-1}>
            {ctx.configRejected && (
              <div class="notice notice-error config-rejected" role="alert">
                <strong>{t('configRejected')}</strong>
                <pre>{ctx.configRejected}</pre>
              </div>
            )}
            {ctx.undo && ctx.canEdit && <UndoNotice ctx={ctx} ids={ctx.undo} />}
            {children}
          </main>
          {ctx.sidebar && <Sidebar ctx={ctx} data={ctx.sidebar} />}
        </div>
        <footer class="site-footer">
          <a href={paths.help()}>{t('keyboardHelp')}</a> · <a href={paths.feed('all', 'atom')}>{t('navFeeds')}</a> ·{' '}
          <a href={paths.opml()}>OPML</a>
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
