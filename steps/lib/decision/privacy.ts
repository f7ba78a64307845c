/**
 * Masks a phone number (or anything that looks like one) to its last two digits, keeping
 * the length recognisable for support: "+14155550123" → "+*********23".
 */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  let seen = 0;
  return value.replace(/\d/g, (d) => (++seen > digits - 2 ? d : '*'));
}

// "+" followed by 7+ digits (E.164 and formatted international numbers), or a bare run of
// 10-15 digits that is not part of an identifier (ARN account ids follow ":", UUIDs use "-").
const PHONE_LIKE = /\+\d[\d\s().-]{5,18}\d|(?<![\w:/.-])\d{10,15}(?![\w-])/g;

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
