// Rundschau reader enhancements. Everything here is optional: every action is also a plain form or link.
(() => {
  const root = document.documentElement;
  root.classList.add('js');
  const csrf = document.body.dataset.csrf || '';

  // --- Sidebar as a menu on phones -------------------------------------------------------------------------
  const sidebar = document.getElementById('sidebar');
  const menuToggle = document.querySelector('[data-menu-toggle]');
  if (menuToggle) {
    if (!sidebar) menuToggle.hidden = true;
    menuToggle.setAttribute('role', 'button');
    menuToggle.setAttribute('aria-expanded', 'false');
    const setOpen = (open) => {
      sidebar.classList.toggle('open', open);
      menuToggle.setAttribute('aria-expanded', String(open));
      if (open) sidebar.querySelector('a')?.focus();
    };
    menuToggle.addEventListener('click', (event) => {
      if (!sidebar || window.matchMedia('(min-width: 52.01rem)').matches) return;
      event.preventDefault();
      setOpen(!sidebar.classList.contains('open'));
    });
    document.addEventListener('click', (event) => {
      if (
        sidebar?.classList.contains('open') &&
        !sidebar.contains(event.target) &&
        !menuToggle.contains(event.target)
      ) {
        setOpen(false);
      }
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && sidebar?.classList.contains('open')) {
        setOpen(false);
        menuToggle.focus();
      }
    });
  }

  // --- Read / star without a page load -----------------------------------------------------------------------
  // Toggle buttons carry their own name/value (and, in the river, their own formaction).
  function applyToggle(button, on) {
    button.value = on ? '0' : '1';
    button.setAttribute('aria-pressed', String(on));
    // A button's own labels, else (river buttons) its river's, said once for all of them.
    const river = button.dataset.labelOn === undefined ? button.closest('[data-river]') : null;
    const kind = button.classList.contains('js-star') ? 'Star' : 'Read';
    const label = river
      ? river.dataset[`label${kind}${on ? 'On' : 'Off'}`]
      : on
        ? button.dataset.labelOn
        : button.dataset.labelOff;
    const labelEl = button.querySelector('.btn-label') || button;
    if (label) labelEl.textContent = label;
    const icon = button.querySelector('.star-icon');
    if (icon) icon.textContent = on ? '★' : '☆';
  }

  // Where and how the browser itself would send the form: a button's own formaction/formmethod only when it has
  // one (`button.formAction` is the page's URL when it has none), else the form's.
  function submission(form, button) {
    return {
      action: button.hasAttribute('formaction') ? button.formAction : form.action,
      method: (button.hasAttribute('formmethod') ? button.formMethod : form.method).toUpperCase(),
    };
  }

  // The sidebar's unread counts, from the counts an action answers with.
  function updateCounts(counts) {
    if (!counts) return;
    for (const link of document.querySelectorAll('[data-count]')) {
      const [kind, ...rest] = link.dataset.count.split(':');
      const key = rest.join(':');
      const n = {
        total: counts.total,
        starred: counts.starred,
        source: counts.bySource?.[key],
        category: counts.byCategory?.[key],
      }[kind];
      let badge = link.querySelector('.count');
      if (!n) {
        badge?.remove();
        continue;
      }
      if (!badge) {
        badge = document.createElement('span');
        badge.className = 'count';
        link.append(badge);
      }
      badge.textContent = n > 9999 ? '9999+' : String(n);
    }
  }

  // --- Topic rules: the dry run follows the editor's typing ----------------------------------------------
  // Without JavaScript the "Dry run" button posts the form and the page shows the same result.
  const rulesInput = document.querySelector('textarea[data-dry-run-source]');
  const dryRunBox = document.querySelector('[data-dry-run-url]');
  if (rulesInput && dryRunBox) {
    let timer;
    let controller;
    let sent = 0;
    const run = async () => {
      const seq = ++sent;
      controller?.abort();
      controller = new AbortController();
      dryRunBox.setAttribute('aria-busy', 'true');
      try {
        const response = await fetch(dryRunBox.dataset.dryRunUrl, {
          method: 'POST',
          body: new URLSearchParams({ _csrf: csrf, rules: rulesInput.value }),
          headers: { 'X-CSRF-Token': csrf },
          credentials: 'same-origin',
          signal: controller.signal,
        });
        const html = await response.text();
        // Only the answer to the newest edit is shown (an older one may arrive late).
        if (seq !== sent) return;
        if (response.ok || response.status === 422) {
          dryRunBox.innerHTML = html;
          dryRunBox.dataset.state = response.ok ? 'done' : 'invalid';
        } else dryRunBox.dataset.state = `error-${response.status}`;
      } catch (error) {
        if (error?.name !== 'AbortError' && seq === sent) dryRunBox.dataset.state = 'error';
      } finally {
        if (seq === sent) dryRunBox.removeAttribute('aria-busy');
      }
    };
    rulesInput.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, 400);
    });
  }

  // Buttons whose fetch() failed, resubmitted as the plain form post they are without JavaScript.
  const plain = new WeakSet();

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    const button = event.submitter;
    if (!(form instanceof HTMLFormElement) || !button?.matches('.js-read, .js-star')) return;
    if (plain.delete(button)) return;
    const { action, method } = submission(form, button);
    if (method !== 'POST') return;
    event.preventDefault();
    // The form's own fields (the CSRF token among them) and the button's name/value, as the browser would send them.
    const body = new URLSearchParams(new FormData(form, button));
    try {
      const response = await fetch(action, {
        method,
        body,
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf },
        credentials: 'same-origin',
      });
      if (response.status === 401) {
        window.location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
        return;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const result = await response.json();
      if ('read' in result) {
        applyToggle(button, result.read);
        button.closest('[data-id]')?.classList.toggle('unread', !result.read);
        // A story's card: the reports listed in it changed too.
        for (const report of button.closest('[data-id]')?.querySelectorAll('.story-report') ?? []) {
          report.classList.toggle('unread', !result.read);
        }
      }
      if ('starred' in result) applyToggle(button, result.starred);
      updateCounts(result.counts);
    } catch {
      // Fall back to the ordinary form post: the server redirects back (or shows what went wrong).
      plain.add(button);
      form.requestSubmit(button);
    }
  });

  // --- Keyboard -------------------------------------------------------------------------------------------------
  const entries = () => Array.from(document.querySelectorAll('.river .entry'));
  let selected = -1;

  function select(index) {
    const list = entries();
    if (list.length === 0) return;
    selected = Math.max(0, Math.min(list.length - 1, index));
    list.forEach((el, i) => {
      el.classList.toggle('selected', i === selected);
    });
    const entry = list[selected];
    entry.scrollIntoView({ block: 'nearest' });
    entry.querySelector('.entry-link')?.focus({ preventScroll: true });
  }

  function currentScope() {
    const list = entries();
    if (selected >= 0 && list[selected]) return list[selected];
    return document.querySelector('article.item');
  }

  function clickIn(scope, selector) {
    scope?.querySelector(selector)?.click();
  }

  const help = document.getElementById('help-dialog');
  let pendingG = 0;

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]')) {
      if (event.key === 'Escape') target.blur();
      return;
    }
    if (help?.open) return;
    const key = event.key;
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      const go = { u: '/', a: '/all', s: '/sources' }[key];
      if (go) {
        event.preventDefault();
        window.location.href = go;
      }
      return;
    }
    switch (key) {
      case 'j':
      case 'k': {
        event.preventDefault();
        if (entries().length > 0) {
          select(selected + (key === 'j' ? 1 : -1));
          break;
        }
        // On an item page: the next (older) or previous (newer) item of the list it was opened from.
        const step = document.querySelector(`.item-pager [rel="${key === 'j' ? 'next' : 'prev'}"]`);
        if (step) window.location.href = step.href;
        break;
      }
      case 'v':
        event.preventDefault();
        // A click on the link itself, so it opens as the link says (new tab, no opener, no referrer).
        clickIn(currentScope(), 'a[data-original]');
        break;
      case 'o':
      case 'Enter': {
        if (key === 'Enter' && target instanceof HTMLElement && target.closest('a, button')) return;
        const link = entries()[selected]?.querySelector('.entry-link');
        if (link) {
          event.preventDefault();
          window.location.href = link.href;
        }
        break;
      }
      case 'm':
        event.preventDefault();
        clickIn(currentScope(), 'button.js-read');
        break;
      case 's':
        event.preventDefault();
        clickIn(currentScope(), 'button.js-star');
        break;
      case '/':
        event.preventDefault();
        document.getElementById('q')?.focus();
        break;
      case 'g':
        pendingG = Date.now();
        break;
      case '?':
        event.preventDefault();
        help?.showModal();
        break;
      default:
    }
  });

  // Clicking an entry makes it the keyboard's current one.
  document.addEventListener('focusin', (event) => {
    const entry = event.target instanceof HTMLElement ? event.target.closest('.river .entry') : null;
    if (!entry) return;
    const index = entries().indexOf(entry);
    if (index >= 0 && index !== selected) {
      selected = index;
      entries().forEach((el, i) => {
        el.classList.toggle('selected', i === selected);
      });
    }
  });
})();
