/*
 * playwright-core's typings name four DOM types (for `page.$('div')` and friends). The project compiles against
 * Node's globals only (`lib: ["ES2022"]`), and adding the whole DOM library would let server code use `window`
 * and `document` unchecked; these opaque stand-ins satisfy the typings and declare no values. They merge
 * harmlessly with the real ones should the DOM library ever be added.
 */
/* eslint-disable @typescript-eslint/no-empty-object-type */
interface Node {}
interface HTMLElement {}
interface SVGElement {}
interface HTMLElementTagNameMap {}
