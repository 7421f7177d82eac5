/**
 * Synthetic personal data for the privacy fuzz: every class the platform handles (names, emails,
 * phone numbers, SSNs, A-numbers, passport and case numbers, IBANs, card numbers, IP addresses,
 * dates of birth, UUIDs), in several written formats, and the encodings an attacker or a careless
 * client uses (raw, percent-encoded, every byte percent-encoded, double-encoded, full-width). Values
 * are deterministic in `i`, and a leak finder tells which of them appear in a text in any form.
 */

export type PersonalClass = 'name' | 'email' | 'phone' | 'ssn' | 'aNumber' | 'passport' | 'caseNumber' | 'iban' | 'card' | 'ip' | 'dob' | 'uuid';
export const PERSONAL_CLASSES: readonly PersonalClass[] = ['name', 'email', 'phone', 'ssn', 'aNumber', 'passport', 'caseNumber', 'iban', 'card', 'ip', 'dob', 'uuid'];

export type Encoding = 'raw' | 'percent' | 'percentAll' | 'double' | 'fullWidth';
export const ENCODINGS: readonly Encoding[] = ['raw', 'percent', 'percentAll', 'double', 'fullWidth'];

const FIRST = ['Jane', 'Omar', 'José', 'Zoë', 'Łukasz', 'Ngozi', 'Siobhán', 'Björn', 'Amara', 'Wei', 'Fatima', 'Dmitri'];
const LAST = ['Okafor', 'Haddad', 'Müller', 'Silva', 'Mensah', 'Rossi', 'Novak', 'García', 'Nguyen', 'Kowalski'];
const PUBLIC_FIRST_OCTETS = [23, 31, 45, 66, 81, 98, 131, 151, 185, 203];

const pad = (n: number, width: number): string => String(Math.abs(Math.trunc(n)) % 10 ** width).padStart(width, '0');
/** A lowercase suffix unique to i (base 26): makes every name distinct and searchable. */
const suffix = (i: number): string => {
  let s = '';
  let n = i + 26 * 26;
  while (n > 0) {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
};
const mix = (i: number, k: number): number => Math.abs((Math.imul(i + 1, 2654435761) ^ Math.imul(k + 7, 40503)) >>> 0);

/** One value of `cls`, the `i`-th, in one of the class's written formats. */
export function personalValue(cls: PersonalClass, i: number): string {
  const d = (k: number, width: number) => pad(mix(i, k), width);
  const variant = mix(i, 99) % 4;
  switch (cls) {
    case 'name':
      return `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}${suffix(i)}`;
    case 'email': {
      const ascii = (s: string) => s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
      return `${ascii(FIRST[i % FIRST.length])}.${ascii(LAST[(i * 3) % LAST.length])}${suffix(i)}@mail${i % 7}.example.com`;
    }
    case 'phone':
      return [`+1 ${200 + (i % 700)}-555-${d(1, 4)}`, `(${200 + (i % 700)}) 555-${d(1, 4)}`, `+44 20 7946 ${d(1, 4)}`, `${200 + (i % 700)}.555.${d(1, 4)}`][variant];
    case 'ssn':
      return [`${100 + (i % 660)}-${pad(1 + (i % 98), 2)}-${d(2, 4)}`, `${100 + (i % 660)} ${pad(1 + (i % 98), 2)} ${d(2, 4)}`, `${100 + (i % 660)}-${pad(1 + (i % 98), 2)}-${d(3, 4)}`, `${100 + (i % 660)}-${pad(1 + (i % 98), 2)}-${d(4, 4)}`][variant];
    case 'aNumber':
      return [`A${d(5, 9)}`, `A-${d(6, 3)}-${d(7, 3)}-${d(8, 3)}`, `A${d(5, 8)}`, `A ${d(6, 3)} ${d(7, 3)} ${d(8, 3)}`][variant];
    case 'passport':
      return `${'XPCKN'[i % 5]}${d(9, 8)}`;
    case 'caseNumber':
      return `${['IOE', 'EAC', 'MSC', 'WAC'][i % 4]}${d(10, 10)}`;
    case 'iban':
      return [`DE${d(11, 2)}${d(12, 9)}${d(13, 9)}`, `DE${d(11, 2)} ${d(12, 4)} ${d(13, 4)} ${d(14, 4)} ${d(15, 4)} ${d(16, 2)}`, `GB${d(11, 2)}NWBK${d(12, 7)}${d(13, 7)}`, `FR76 ${d(12, 4)} ${d(13, 4)} ${d(14, 4)} ${d(15, 4)} ${d(16, 4)} ${d(17, 3)}`][variant];
    case 'card':
      return [`4${d(18, 7)}${d(19, 8)}`, `5${d(18, 3)} ${d(19, 4)} ${d(20, 4)} ${d(21, 4)}`, `4${d(18, 3)}-${d(19, 4)}-${d(20, 4)}-${d(21, 4)}`, `37${d(18, 2)} ${d(19, 6)} ${d(20, 5)}`][variant];
    case 'ip':
      return variant === 3
        ? `2001:db8:${(mix(i, 22) % 65535).toString(16)}:${(mix(i, 23) % 65535).toString(16)}::${(mix(i, 24) % 65535).toString(16)}`
        : `${PUBLIC_FIRST_OCTETS[i % PUBLIC_FIRST_OCTETS.length]}.${mix(i, 22) % 256}.${mix(i, 23) % 256}.${1 + (mix(i, 24) % 254)}`;
    case 'dob': {
      const y = 1940 + (i % 65);
      const m = pad(1 + (mix(i, 25) % 12), 2);
      const day = pad(1 + (mix(i, 26) % 28), 2);
      return [`${y}-${m}-${day}`, `${day}/${m}/${y}`, `${m}-${day}-${y}`, `${day}.${m}.${y}`][variant];
    }
    case 'uuid': {
      const h = (k: number, n: number) => mix(i, k).toString(16).padStart(8, '0').slice(0, n);
      return `${h(27, 8)}-${h(28, 4)}-4${h(29, 3)}-a${h(30, 3)}-${h(31, 8)}${h(32, 4)}`;
    }
  }
}

/** `v` as a client would send it. */
export function encode(v: string, e: Encoding): string {
  const all = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  switch (e) {
    case 'raw':
      return v;
    case 'percent':
      return encodeURIComponent(v);
    case 'percentAll':
      return all(v);
    case 'double':
      return all(v).replace(/%/g, '%25');
    case 'fullWidth':
      return [...v].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c === ' ' ? '\u3000' : c)).join('');
  }
}

/** `s` with percent-encoding undone (three layers) and NFKC applied: any encoded form of a value reads as the value. */
export function decoded(s: string): string {
  let out = s;
  for (let i = 0; i < 3; i++) out = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
  return out.normalize('NFKC');
}

const words = (s: string): string[] => s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * The values found in `text`, in any encoding: the text is decoded and normalised once, then each
 * value whose words all occur in it is confirmed by a substring search (of the value, and for
 * names of the distinctive surname alone). Fast enough for megabytes of logs and ~10^5 values.
 */
export function leaks(values: Iterable<string>, text: string): string[] {
  const hay = decoded(text);
  const present = new Set(words(hay));
  const found: string[] = [];
  for (const v of values) {
    const w = words(v.normalize('NFKC'));
    if (w.length === 0 || !w.every((x) => present.has(x))) continue;
    // A name leaks when its unique surname does, even without the first name next to it.
    const probes = /^\p{Lu}\p{Ll}+ \p{Lu}/u.test(v) ? [v, w[w.length - 1]] : [v.normalize('NFKC')];
    if (probes.some((p) => hay.includes(p))) found.push(v);
  }
  return found;
}
