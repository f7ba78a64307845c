/**
 * Masks a phone number (or anything that looks like one) to its last two digits, keeping
 * the length recognisable for support: "+14155550123" → "+*********23". A digit is any
 * Unicode decimal digit (`\p{Nd}`): a number typed in fullwidth ("＋１４１５５５５０１２３") or
 * Arabic-Indic digits still routes as that caller, so it is masked the same way. The logs
 * (maskPhonesIn) and the CLI use this one rule.
 */
export function maskPhone(value: string): string {
  const digits = value.match(/\p{Nd}/gu)?.length ?? 0;
  let seen = 0;
  return value.replace(/\p{Nd}/gu, (d) => (++seen > digits - 2 ? d : '*'));
}

// "+" (or fullwidth "＋") followed by 7+ digits (E.164 and formatted international numbers), or
// a bare run of 10-15 digits that is not part of an identifier (ARN account ids follow ":",
// UUIDs use "-"). Digits of any system (\p{Nd}), as in maskPhone.
const PHONE_LIKE = /[+＋]\p{Nd}[\p{Nd}\s().-]{5,18}\p{Nd}|(?<![\w\p{Nd}:/.-])\p{Nd}{10,15}(?![\w\p{Nd}-])/gu;

/** Masks every phone-like run inside free text (error messages, URIs). */
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE_LIKE, (m) => maskPhone(m));
}

/** Deep copy of a value with every string passed through maskPhonesIn. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: maskPhonesIn(value.message) };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, depth + 1)]));
}
