import type { Actor } from '../../workflows/definitions';
import { html, radioButton, type Html } from './html';
import { messages } from './i18n';
import { layout, type PageContext } from './layout';

/** A development token the sign-in page offers, with the actor it stands for. */
export interface DevSignInChoice {
  token: string;
  actor: Actor;
}

export function signInPage(ctx: PageContext, options: { dev: DevSignInChoice[]; oidc: boolean; error?: string }): Html {
  const t = messages[ctx.lang];
  const body = html`<h1 class="utrecht-heading-1">${t.signInTitle}</h1>
    ${options.error ? html`<div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">${options.error}</p></div>` : ''}
    ${options.oidc ? html`<p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--primary-action" href="/desk/sign-in/oidc">${t.signInOidc}</a></p>` : ''}
    ${
      options.dev.length > 0
        ? html`<form method="post" action="/desk/sign-in" class="utrecht-form">
            <fieldset class="utrecht-form-fieldset">
              <legend class="utrecht-form-fieldset__legend utrecht-form-label">${t.signInDev}</legend>
              <p class="utrecht-form-field-description">${t.signInDevHint}</p>
              ${options.dev.map((choice, i) =>
                radioButton({
                  name: 'token',
                  id: `dev-${i}`,
                  value: choice.token,
                  label: `${t.roles[choice.actor.role]} (${choice.actor.id})`,
                  checked: i === 0,
                  required: true,
                }),
              )}
            </fieldset>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">${t.signIn}</button>
          </form>`
        : ''
    }
    ${!options.oidc && options.dev.length === 0 ? html`<p class="utrecht-paragraph">${t.signInNone}</p>` : ''}`;
  return layout(ctx, t.signIn, body);
}

export function errorPage(ctx: PageContext, status: number, detail: string, requestId: string): Html {
  const t = messages[ctx.lang];
  const body = html`<h1 class="utrecht-heading-1">${t.errorTitle} (${status})</h1>
    <div class="utrecht-alert utrecht-alert--error" role="alert"><p class="utrecht-paragraph">${detail}</p></div>
    <p class="utrecht-paragraph desk-muted">${t.requestId}: ${requestId}</p>
    <p class="utrecht-paragraph">
      ${status === 401 ? html`<a class="utrecht-link utrecht-link--html-a" href="/desk/sign-in">${t.signIn}</a>` : html`<a class="utrecht-link utrecht-link--html-a" href="/desk">${t.backToDayList}</a>`}
    </p>`;
  return layout(ctx, t.errorTitle, body);
}

/**
 * Answers the identity provider's redirect with a page rather than a redirect: a browser sends no SameSite=Strict
 * cookie on a navigation that a redirect chain from another site started, so the console's first page must be
 * reached from its own.
 */
export function signedInPage(ctx: PageContext): Html {
  const t = messages[ctx.lang];
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content="0;url=/desk" />
        <title>${t.appName}</title>
      </head>
      <body>
        <p><a href="/desk">${t.dayList}</a></p>
      </body>
    </html> `;
}
