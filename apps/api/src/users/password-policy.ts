/**
 * What makes a password too weak to accept (NIST SP 800-63B § 5.1.1.2): too short, on a list of
 * passwords known from breaches, one character or a short pattern over and over, a straight run
 * (`123456789012`, `abcdefghijkl`), or the username inside it. Pure, so it is unit-tested alone; the
 * list itself is loaded in common-passwords.ts.
 */
export const MIN_PASSWORD_LENGTH = 12;

export type PasswordWeakness = 'too_short' | 'common' | 'repetitive' | 'sequential' | 'contains_username';

export const WEAKNESS_MESSAGES: Record<PasswordWeakness, string> = {
  too_short: `must be at least ${MIN_PASSWORD_LENGTH} characters`,
  common: 'is one of the passwords most often used (and tried first by attackers)',
  repetitive: 'repeats one character or a short pattern',
  sequential: 'is a straight run of letters or digits',
  contains_username: 'contains the username',
};

export function passwordWeakness(
  password: string,
  username: string | null,
  common: ReadonlySet<string>,
): PasswordWeakness | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  const lower = password.toLowerCase();
  // A listed word with digits or symbols tacked on (`monkey2024!!`) is tried as early as the word.
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (common.has(lower) || (stem.length >= 4 && common.has(stem))) return 'common';
  if (isRepetitive(lower)) return 'repetitive';
  if (isSequential(lower)) return 'sequential';
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'contains_username';
  return null;
}

/** Fewer than four different characters, or a pattern of up to a third of the length repeated. */
function isRepetitive(password: string): boolean {
  if (new Set(password).size < 4) return true;
  for (let size = 1; size <= password.length / 3; size++) {
    if (password.length % size === 0 && password.slice(0, size).repeat(password.length / size) === password)
      return true;
  }
  return false;
}

/** Every step goes one up or every step one down (digits wrap: `…7890123…`). */
function isSequential(password: string): boolean {
  const codes = [...password].map((c) => c.codePointAt(0)!);
  const isDigits = /^\d+$/.test(password);
  const step = (i: number) => {
    const d = codes[i + 1]! - codes[i]!;
    return isDigits ? ((d % 10) + 10) % 10 : d;
  };
  const first = step(0);
  const up = first === 1;
  const down = isDigits ? first === 9 : first === -1;
  if (!up && !down) return false;
  for (let i = 1; i < codes.length - 1; i++) if (step(i) !== first) return false;
  return true;
}
