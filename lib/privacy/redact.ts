/**
 * Redaction of request content before Keel stores it (tenants with content storage on). What is
 * found is replaced by a marker and counted:
 *
 * - `[EMAIL]`: addresses with a dotted domain (ASCII local parts).
 * - `[NATIONAL_ID]`: US Social Security numbers written 123-45-6789 or 123 45 6789 (never-issued
 *   areas 000, 666 and 9xx, group 00 and serial 0000 excluded), and UK National Insurance numbers
 *   (AB123456C, spaces allowed). No other country's ids are recognised.
 * - `[CARD]`: 13 to 19 digits, single spaces, no-break spaces or dashes between them allowed, that
 *   pass the Luhn check.
 * - `[PHONE]`: 9 to 15 digits written as a phone number: international (+44 20 7946 0958), North
 *   American (555-123-4567, (555) 123-4567), or national with a leading 0 (06 12 34 56 78,
 *   020 7946 0958, 0612345678). A bare number that does not start with + or 0 is left alone, so
 *   years, token counts, prices and timestamps survive.
 *
 * It errs toward leaving ordinary text intact: a value glued to letters (4111111111111111abc, inside
 * a hash or an id) or continuing a longer run of digits is not found, and other formats of phone
 * numbers and ids are not recognised. Redaction lowers what stored content exposes; it is no proof
 * that nothing personal remains.
 *
 * Every pattern can start only where its token starts (a lookbehind refuses the middle of a word or
 * number) and splits its digits and separators one way only, so a scan costs time linear in the
 * text whatever it holds: no backtracking blow-up on hostile input (redact.test.ts feeds 1 MB of it).
 */
export type Redacted = { text: string; redactions: number };

const EMAIL = /(?<![\w.+%-])[\w.+%-]+@(?:[a-z0-9-]+\.)+[a-z]{2,63}(?![\w-])/gi;

// A separator repeated after the last group (\2\d) means a longer number, of which this is a part.
const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?!\w|\2\d)/g;
// Prefixes D, F, I, Q, U, V never start a NINO; O never comes second (HMRC's allocation rules).
const NINO = /(?<![\w])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)/gi;
const NINO_UNUSED_PREFIXES = new Set(["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"]);

// A candidate, then checked for its digit count: +, then digits, spaces, dots, dashes, parentheses, ending on a digit.
const PHONE_INTERNATIONAL = /(?<![\w+])\+\d[\d ().-]{6,24}\d(?![\w]|[ .-]?\d)/g;
// Not right after a digit and a separator (inside a longer number), unless that digit ends a number
// of this shape: phone numbers listed one after another are each found. The area code in
// parentheses starts a number wherever it stands ("option 2 (555) 123-4567").
const PHONE_NANP =
  /(?<![\w+.]|\d(?<!(?:\(\d{3}\) ?|\b\d{3}[ .-])\d{3}[ .-]\d{4})[ .-])(?:1[ .-])?\d{3}[ .-]\d{3}([ .-])\d{4}(?!\w|\1\d)|(?<![\w+.])(?:1[ .-])?\(\d{3}\) ?\d{3}([ .-])\d{4}(?!\w|\2\d)/g;
// One kind of separator throughout, so a date and a time ("01.12.2024 10:30") are not a number.
// Neither national pattern starts right after a digit and a separator: inside a card's digits, say.
const PHONE_NATIONAL = /(?<![\w+.]|\d[ .-])(?:0\d{1,4}([ .-])\d{2,8}(?:\1\d{2,8}){0,3}|0\d{8,10})(?!\w|\1\d)/g;

/** Digits with single spaces (no-break spaces too, as formatted numbers are pasted) or dashes between them; its groups are searched for a card. */
const DIGIT_RUN = /(?<![\w+]|[\d+][ \u00a0-])\d(?:[ \u00a0-]?\d)*(?![\w])/g;

/** Replaces emails, national ids, card numbers and phone numbers in `text`; see the list above. */
export function redact(text: string): Redacted {
  const counter = { n: 0 };
  let out = text;
  if (out.includes("@")) out = out.replace(EMAIL, () => mark(counter, "[EMAIL]"));
  // Nothing below matches text without a digit: most prose pays for one scan.
  if (!/\d/.test(out)) return { text: out, redactions: counter.n };
  out = out.replace(SSN, (m, area: string, _sep, group: string, serial: string) => (validSsn(area, group, serial) ? mark(counter, "[NATIONAL_ID]") : m));
  out = out.replace(NINO, (m: string) => (NINO_UNUSED_PREFIXES.has(m.slice(0, 2).toUpperCase()) ? m : mark(counter, "[NATIONAL_ID]")));
  // Phones before cards: a phone number's digits next to a card's would hide both in one long run.
  const phone = (m: string) => (phoneDigits(m) ? mark(counter, "[PHONE]") : m);
  if (out.includes("+")) out = out.replace(PHONE_INTERNATIONAL, phone);
  out = out.replace(PHONE_NANP, phone);
  out = out.replace(PHONE_NATIONAL, phone);
  out = out.replace(DIGIT_RUN, (m: string) => (m.length < 13 ? m : redactCards(m, counter)));
  return { text: out, redactions: counter.n };
}

function mark(counter: { n: number }, marker: string): string {
  counter.n++;
  return marker;
}

function validSsn(area: string, group: string, serial: string): boolean {
  return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" && serial !== "0000";
}

/**
 * Card numbers in a run of digits: the whole run when it has 13 to 19 digits and passes Luhn, else
 * each span of its groups (of 3 digits or more, as cards are printed) that does, so a card number
 * followed by an expiry or a code ("4111 1111 1111 1111 123") is still found.
 */
function redactCards(run: string, counter: { n: number }): string {
  const flat = run.replace(/[ \u00a0-]/g, "");
  if (flat.length >= 13 && flat.length <= 19 && luhn(flat, 0, flat.length)) return mark(counter, "[CARD]");
  if (flat.length === run.length) return run;
  // Each group: where it starts and ends in `run`, and where its digits start in `flat`.
  const starts: number[] = [];
  const ends: number[] = [];
  const offsets: number[] = [];
  for (let i = 0, start = 0, digits = 0; i <= run.length; i++) {
    const c = run.charCodeAt(i);
    if (i < run.length && c !== 32 && c !== 160 && c !== 45) continue;
    starts.push(start);
    ends.push(i);
    offsets.push(digits);
    digits += i - start;
    start = i + 1;
  }
  offsets.push(flat.length);
  let out = "";
  let copied = 0;
  for (let g = 0; g < starts.length; g++) {
    const last = cardSpanFrom(flat, offsets, g);
    if (last === -1) continue;
    out += `${run.slice(copied, starts[g])}${mark(counter, "[CARD]")}`;
    copied = ends[last];
    g = last;
  }
  return copied === 0 ? run : out + run.slice(copied);
}

/** The last group of a Luhn-valid card that starts at group `first`, or -1. */
function cardSpanFrom(flat: string, offsets: number[], first: number): number {
  for (let g = first; g < offsets.length - 1 && offsets[g + 1] - offsets[g] >= 3; g++) {
    const digits = offsets[g + 1] - offsets[first];
    if (digits > 19) break;
    if (digits >= 13 && luhn(flat, offsets[first], offsets[g + 1])) return g;
  }
  return -1;
}

/** The Luhn checksum over digits[from, to). */
export function luhn(digits: string, from = 0, to = digits.length): boolean {
  let sum = 0;
  let double = false;
  for (let i = to - 1; i >= from; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether a phone candidate has 9 to 15 digits and is not a decimal number (+1234567.89). */
function phoneDigits(candidate: string): boolean {
  let digits = 0;
  let dots = 0;
  let others = 0;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46) dots++;
    else if (c !== 43) others++;
  }
  if (digits < 9 || digits > 15) return false;
  return !(dots === 1 && others === 0);
}
