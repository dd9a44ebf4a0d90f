import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DomainError } from '../common/domain-error.js';
import { passwordWeakness, WEAKNESS_MESSAGES } from './password-policy.js';

/**
 * The 49,233 passwords most often found in breaches, as zxcvbn-ts ships them
 * (`@zxcvbn-ts/language-common`, src/passwords.json, MIT licence). Read once, on first use (~3 MB).
 */
let list: ReadonlySet<string> | null = null;
export function commonPasswords(): ReadonlySet<string> {
  if (!list) {
    const file = createRequire(import.meta.url).resolve('@zxcvbn-ts/language-common/src/passwords.json');
    const words = JSON.parse(readFileSync(file, 'utf8')) as string[];
    list = new Set(words.map((word) => word.toLowerCase()));
  }
  return list;
}

/** Why `password` is refused for `username`, in words, or null when it is acceptable. */
export function passwordProblem(password: string, username: string | null): string | null {
  const weakness = passwordWeakness(password, username, commonPasswords());
  return weakness && `the password ${WEAKNESS_MESSAGES[weakness]}`;
}

/** Refuses a weak new password with 400 `weak_password` (details: field, reason). */
export function assertStrongPassword(password: string, username: string | null): void {
  const weakness = passwordWeakness(password, username, commonPasswords());
  if (weakness) {
    throw new DomainError('weak_password', `The password ${WEAKNESS_MESSAGES[weakness]}; choose another`, {
      field: 'password',
      reason: weakness,
    });
  }
}
