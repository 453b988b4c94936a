/**
 * The municipalities this desk serves: the 16 of South Limburg plus Echt-Susteren, by CBS/BRP code
 * (check against BRP table 33 before production use).
 */
export const municipalities = {
  '0935': 'Maastricht',
  '1903': 'Eijsden-Margraten',
  '0938': 'Meerssen',
  '0994': 'Valkenburg aan de Geul',
  '1729': 'Gulpen-Wittem',
  '0981': 'Vaals',
  '0917': 'Heerlen',
  '0928': 'Kerkrade',
  '1711': 'Echt-Susteren',
  '0882': 'Landgraaf',
  '0899': 'Brunssum',
  '0965': 'Simpelveld',
  '0986': 'Voerendaal',
  '1954': 'Beekdaelen',
  '1883': 'Sittard-Geleen',
  '0971': 'Stein',
  '0888': 'Beek',
} as const;

export type MunicipalityCode = keyof typeof municipalities;
export const municipalityCodes = Object.keys(municipalities) as MunicipalityCode[];

export function isServedMunicipality(code: string): code is MunicipalityCode {
  return Object.prototype.hasOwnProperty.call(municipalities, code);
}
