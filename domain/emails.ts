/**
 * The e-mails a newcomer gets: one Notify template per milestone (and per outcome where the letter differs) and
 * language. The adapter picks the template; Notify (the sandbox) holds the same templates and fills them in.
 * Placeholders are Notify's `((name))`; a template needs every one of its placeholders in the personalisation.
 */
export const languages = ['en', 'nl'] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = 'en';

/** The milestones the newcomer hears about. */
export const milestones = [
  'case-opened',
  'rescheduled',
  'no-show',
  'brp-registered',
  'documents-requested',
  'permit-decided',
  'card-ready',
  'card-collection-reminder',
  'return-visa-decided',
  'visit-scheduled',
  'municipality-informed',
  'case-closed',
] as const;
export type Milestone = (typeof milestones)[number];

/** Milestones whose letter depends on an outcome: the detail that picks the template. */
const variantBy: Partial<Record<Milestone, string>> = {
  'permit-decided': 'decision',
  'return-visa-decided': 'decision',
  'visit-scheduled': 'purpose',
  'municipality-informed': 'decision',
  'case-closed': 'status',
};

interface Template {
  subject: string;
  body: string;
}
type Letters = Record<Language, Template>;

const t = (en: [string, string], nl: [string, string]): Letters => ({
  en: { subject: en[0], body: en[1] },
  nl: { subject: nl[0], body: nl[1] },
});

const objection =
  'You may object (bezwaar) within 4 weeks of the decision date. The desk can tell you how, and what it means ' +
  'for your stay.';
const bezwaar =
  'U kunt binnen 4 weken na de datum van het besluit bezwaar maken. De balie vertelt u hoe, en wat dit betekent ' +
  'voor uw verblijf.';

/** A refusal by IND gives its reason and the last day to object (Aliens Act 2000, art. 69). */
const refusalEn =
  'The reason: ((reason)). You may object (bezwaar) within 4 weeks of the decision (Aliens Act 2000, art. 69); ' +
  'the last day is ((objectionLastDay)). ' +
  'The desk can tell you how, and what it means for your stay.';
const refusalNl =
  'De reden: ((reason)). U kunt binnen 4 weken bezwaar maken, uiterlijk op ((objectionLastDay)). De balie vertelt ' +
  'u hoe, en wat dit betekent voor uw verblijf.';

/** Every template, by key (a milestone, or a milestone and its outcome). */
export const emailTemplates: Record<string, Letters> = {
  'case-opened': t(
    ['Your appointment at the one-stop desk', 'Dear ((given_name)), we expect you at ((location)) on ((startsAt)).'],
    ['Uw afspraak bij het loket', 'Beste ((given_name)), wij verwachten u bij ((location)) op ((startsAt)).'],
  ),
  rescheduled: t(
    ['Your appointment has moved', 'Dear ((given_name)), your appointment is now at ((location)) on ((startsAt)).'],
    ['Uw afspraak is verplaatst', 'Beste ((given_name)), uw afspraak is nu bij ((location)) op ((startsAt)).'],
  ),
  'no-show': t(
    [
      'We missed you at the desk',
      'Dear ((given_name)), you did not come to your appointment. Book a new one before ((rescheduleBy)); after ' +
        'that your case is closed.',
    ],
    [
      'U was niet bij uw afspraak',
      'Beste ((given_name)), u bent niet naar uw afspraak gekomen. Maak voor ((rescheduleBy)) een nieuwe afspraak; ' +
        'daarna sluiten wij uw dossier.',
    ],
  ),
  'brp-registered': t(
    [
      'You are registered in the municipality',
      'Dear ((given_name)), you are registered in municipality ((municipality)); your citizen service number ' +
        'comes by post.',
    ],
    [
      'U bent ingeschreven in de gemeente',
      'Beste ((given_name)), u bent ingeschreven in gemeente ((municipality)); uw burgerservicenummer komt per post.',
    ],
  ),
  'documents-requested': t(
    ['The IND needs documents', 'Dear ((given_name)), please send ((documents)) before ((dueAt)).'],
    ['De IND heeft documenten nodig', 'Beste ((given_name)), stuur ((documents)) vóór ((dueAt)).'],
  ),
  'permit-decided-granted': t(
    ['Your residence permit is granted', 'Dear ((given_name)), the IND granted your residence permit.'],
    ['Uw verblijfsvergunning is verleend', 'Beste ((given_name)), de IND heeft uw verblijfsvergunning verleend.'],
  ),
  'permit-decided-refused': t(
    ['Your residence permit is refused', `Dear ((given_name)), the IND refused your residence permit. ${refusalEn}`],
    [
      'Uw verblijfsvergunning is geweigerd',
      `Beste ((given_name)), de IND heeft uw verblijfsvergunning geweigerd. ${refusalNl}`,
    ],
  ),
  'permit-decided-inadmissible': t(
    [
      'Your application was not considered',
      `Dear ((given_name)), the IND did not consider your application (inadmissible). ${refusalEn}`,
    ],
    [
      'Uw aanvraag is niet in behandeling genomen',
      `Beste ((given_name)), de IND heeft uw aanvraag niet in behandeling genomen. ${refusalNl}`,
    ],
  ),
  'card-ready': t(
    ['Your residence card is ready', 'Dear ((given_name)), collect your residence card at ((location)).'],
    ['Uw verblijfsdocument ligt klaar', 'Beste ((given_name)), haal uw verblijfsdocument op bij ((location)).'],
  ),
  'card-collection-reminder': t(
    [
      'Reminder: collect your residence card',
      'Dear ((given_name)), your residence card is still waiting for you at ((location)).',
    ],
    [
      'Herinnering: haal uw verblijfsdocument op',
      'Beste ((given_name)), uw verblijfsdocument ligt nog bij ((location)).',
    ],
  ),
  'return-visa-decided-issued': t(
    ['Your return visa is issued', 'Dear ((given_name)), your return visa is valid until ((validUntil)).'],
    ['Uw terugkeervisum is afgegeven', 'Beste ((given_name)), uw terugkeervisum is geldig tot ((validUntil)).'],
  ),
  'return-visa-decided-refused': t(
    ['Your return visa is refused', `Dear ((given_name)), the IND refused your return visa. ${refusalEn}`],
    ['Uw terugkeervisum is geweigerd', `Beste ((given_name)), de IND heeft uw terugkeervisum geweigerd. ${refusalNl}`],
  ),
  'visit-scheduled-biometrics-retake': t(
    [
      'Please come back: your biometrics must be taken again',
      'Dear ((given_name)), your photo and fingerprints must be taken again. We expect you at ((location)) on ' +
        '((startsAt)).',
    ],
    [
      'Kom terug: uw biometrie moet opnieuw worden afgenomen',
      'Beste ((given_name)), uw foto en vingerafdrukken moeten opnieuw worden afgenomen. Wij verwachten u bij ' +
        '((location)) op ((startsAt)).',
    ],
  ),
  'visit-scheduled-card-collection': t(
    [
      'Your appointment to collect your residence card',
      'Dear ((given_name)), we expect you at ((location)) on ((startsAt)) to hand over your residence card.',
    ],
    [
      'Uw afspraak om uw verblijfsdocument op te halen',
      'Beste ((given_name)), wij verwachten u bij ((location)) op ((startsAt)) om uw verblijfsdocument te overhandigen.',
    ],
  ),
  'municipality-informed-refused': t(
    [
      'Your municipality has been told of the IND decision',
      'Dear ((given_name)), the IND refused your residence permit, and we told municipality ((municipality)). ' +
        'Your registration there may end: the municipality will write to you. ' +
        objection,
    ],
    [
      'Uw gemeente is op de hoogte van het besluit van de IND',
      'Beste ((given_name)), de IND heeft uw verblijfsvergunning geweigerd; wij hebben gemeente ((municipality)) ' +
        'ingelicht. Uw inschrijving daar kan worden beëindigd: de gemeente schrijft u. ' +
        bezwaar,
    ],
  ),
  'municipality-informed-inadmissible': t(
    [
      'Your municipality has been told of the IND decision',
      'Dear ((given_name)), the IND did not consider your application, and we told municipality ((municipality)). ' +
        'Your registration there may end: the municipality will write to you. ' +
        objection,
    ],
    [
      'Uw gemeente is op de hoogte van het besluit van de IND',
      'Beste ((given_name)), de IND heeft uw aanvraag niet in behandeling genomen; wij hebben gemeente ' +
        '((municipality)) ingelicht. Uw inschrijving daar kan worden beëindigd: de gemeente schrijft u. ' +
        bezwaar,
    ],
  ),
  'case-closed-completed': t(
    ['Your case is complete', 'Dear ((given_name)), everything you booked at the desk is done.'],
    ['Uw dossier is afgerond', 'Beste ((given_name)), alles wat u bij het loket had geboekt is afgerond.'],
  ),
  'case-closed-rejected': t(
    ['Your case is closed', 'Dear ((given_name)), the desk cannot take your case: your sponsor is not recognised.'],
    [
      'Uw dossier is gesloten',
      'Beste ((given_name)), het loket kan uw dossier niet behandelen: uw referent is niet erkend.',
    ],
  ),
  'case-closed-withdrawn': t(
    ['Your case is withdrawn', 'Dear ((given_name)), your case is withdrawn as you asked.'],
    ['Uw dossier is ingetrokken', 'Beste ((given_name)), uw dossier is op uw verzoek ingetrokken.'],
  ),
  'case-closed-closed-no-show': t(
    [
      'Your case is closed',
      'Dear ((given_name)), you did not come and did not book again in time: your case is closed.',
    ],
    [
      'Uw dossier is gesloten',
      'Beste ((given_name)), u bent niet gekomen en heeft niet op tijd een nieuwe afspraak gemaakt: uw dossier is ' +
        'gesloten.',
    ],
  ),
};

/** The Notify template of a milestone's e-mail in a language, e.g. `newcomer-permit-decided-refused-nl`. */
export function templateId(milestone: Milestone, details: Record<string, string>, language: Language): string {
  const field = variantBy[milestone];
  const key = field && details[field] ? `${milestone}-${details[field]}` : milestone;
  return `newcomer-${key}-${language}`;
}

/** The template of an id, or undefined when there is none. */
export function templateOf(id: string): Template | undefined {
  const match = /^newcomer-(.+)-(en|nl)$/.exec(id);
  return match ? emailTemplates[match[1] ?? '']?.[match[2] as Language] : undefined;
}

/** Fills in a template; `missing` names each placeholder the personalisation lacks. */
export function renderEmail(
  template: Template,
  personalisation: Record<string, string>,
): { subject: string; body: string; missing: string[] } {
  const missing = new Set<string>();
  const fill = (text: string): string =>
    text.replace(/\(\(([a-zA-Z_]+)\)\)/g, (_m, name: string) => {
      const value = personalisation[name];
      if (value === undefined) missing.add(name);
      return value ?? '';
    });
  return { subject: fill(template.subject), body: fill(template.body), missing: [...missing] };
}
