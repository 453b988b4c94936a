import { deskDateOf, deskTimeZone } from '../../domain/dates';
import { html, type Html } from './html';
import { messages, type Lang } from './i18n';
import type { DeskSession } from './session';

export interface PageContext {
  lang: Lang;
  session?: DeskSession;
  /** Where the language switch returns to: this page's path and query, never anything personal. */
  here: string;
}

const locales: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };

/** A date and time on the desk's clock, as an officer reads it. */
export function deskDateTime(iso: string | Date | undefined, lang: Lang): string {
  if (iso === undefined) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locales[lang], {
    timeZone: deskTimeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(at);
}

export function deskTime(iso: string | Date | undefined, lang: Lang): string {
  if (iso === undefined) return '';
  return new Intl.DateTimeFormat(locales[lang], { timeZone: deskTimeZone, timeStyle: 'short' }).format(new Date(iso));
}

/** Today on the desk's clock, `YYYY-MM-DD`. */
export const deskToday = (now = new Date()): string => deskDateOf(now.getTime());

const csrfField = (session: DeskSession | undefined): Html =>
  session ? html`<input type="hidden" name="_csrf" value="${session.csrfToken}" />` : html``;

export { csrfField };

/** The page around every console screen: theme, header with who is signed in, language switch, sign-out. */
export function layout(ctx: PageContext, title: string, body: Html): Html {
  const t = messages[ctx.lang];
  const other: Lang = ctx.lang === 'nl' ? 'en' : 'nl';
  return html`<!doctype html>
    <html lang="${ctx.lang}" class="voorbeeld-theme">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${t.appName}</title>
        <link rel="stylesheet" href="/desk/assets/theme.css" />
        <link rel="stylesheet" href="/desk/assets/components.css" />
        <link rel="stylesheet" href="/desk/assets/desk.css" />
        <script src="/desk/assets/desk.js" defer></script>
      </head>
      <body class="utrecht-document utrecht-document--surface">
        <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#main">${t.skipToContent}</a>
        <header class="utrecht-page-header desk-header">
          <p class="desk-brand"><a class="utrecht-link utrecht-link--html-a" href="/desk">${t.appName}</a></p>
          ${
            ctx.session
              ? html`<p class="utrecht-paragraph desk-who">
                    ${t.signedInAs(ctx.session.actor.id, t.roles[ctx.session.actor.role])}
                  </p>
                  <form method="post" action="/desk/sign-out" class="desk-inline">
                    ${csrfField(ctx.session)}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">${t.signOut}</button>
                  </form>`
              : ''
          }
          <form method="post" action="/desk/language" class="desk-inline">
            ${csrfField(ctx.session)} <input type="hidden" name="lang" value="${other}" /><input
              type="hidden"
              name="return"
              value="${ctx.here}"
            />
            <button type="submit" class="utrecht-button utrecht-button--subtle" lang="${other}">
              ${t.otherLanguage}
            </button>
          </form>
        </header>
        <main id="main" class="utrecht-page-content desk-main">${body}</main>
      </body>
    </html> `;
}
