import { passwordWeakness } from './password-policy.js';

const COMMON = new Set(['password1234', 'monkey', 'iloveyou', '123456789012']);
const weakness = (password: string, username: string | null = 'nurse.jones') =>
  passwordWeakness(password, username, COMMON);

describe('passwordWeakness', () => {
  it('accepts long passwords that are on no list and follow no pattern', () => {
    for (const password of ['amber-lantern-harbour-7', 'correct horse battery', 'Tq8#vL2!pZ0@', 'staff-password-123'])
      expect(weakness(password)).toBeNull();
  });

  it('refuses short passwords first', () => {
    expect(weakness('aB3$eF7*')).toBe('too_short');
    // Counted in characters, not UTF-16 units.
    expect(weakness('🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒')).toBe('too_short');
  });

  it('refuses listed passwords in any case, and listed words with digits or symbols tacked on', () => {
    expect(weakness('Password1234')).toBe('common');
    expect(weakness('monkey2024!!!!')).toBe('common');
    expect(weakness('iloveyou_99999')).toBe('common');
  });

  it('refuses one character or a short pattern repeated', () => {
    for (const password of ['aaaaaaaaaaaa', 'abababababab', 'abcabcabcabc', 'xyz1xyz1xyz1', '!!!!!!!!!!!!'])
      expect(weakness(password)).toBe('repetitive');
  });

  it('refuses straight runs, up or down, digits wrapping', () => {
    for (const password of ['abcdefghijkl', 'zyxwvutsrqpo', '234567890123', '98765432109876'])
      expect(weakness(password)).toBe('sequential');
    expect(weakness('abcdefghijkm')).toBeNull();
  });

  it('refuses passwords containing the username, in any case', () => {
    expect(weakness('my-NURSE.JONES-pass')).toBe('contains_username');
    expect(weakness('my-nurse.jones-pass', null)).toBeNull();
    // Too short a username to mean anything inside a password.
    expect(weakness('correct horse battery', 'or')).toBeNull();
  });
});
