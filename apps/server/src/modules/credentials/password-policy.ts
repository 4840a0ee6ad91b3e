import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

/** Shorter passwords are refused outright (NIST SP 800-63B asks for 8 at least; 10 leaves room for the score). */
export const PASSWORD_MIN_LENGTH = 10;
/** zxcvbn's 0–4 score: 3 is "safely unguessable", about 10^8 guesses (its authors' threshold for a new password). */
const MIN_SCORE = 3;

let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * zxcvbn with its common dictionary (the most used leaked passwords, common words of passphrases, keyboard layouts).
 * The lists ship inside @zxcvbn-ts/language-common and nothing is fetched; built on the first password set rather
 * than at start (about 150 ms and 17 MB).
 */
function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
    ]);
    return new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs });
  })();
  return estimator;
}

// zxcvbn's warning keys (no translation package loaded) → why the password is guessable, in the API's words.
const COMMON = new Set(['topTen', 'topHundred', 'common', 'similarToCommon', 'wordByItself', 'namesByThemselves']);
const WHY: Record<string, string> = {
  simpleRepeat: 'it repeats a character',
  extendedRepeat: 'it repeats a pattern',
  sequences: 'it is a sequence such as abcd or 1234',
  straightRow: 'it is a row of keys',
  keyPattern: 'it is a pattern of keys',
  dates: 'it is made of a date',
  recentYears: 'it is made of a recent year',
};

function guessableMessage(result: ZxcvbnResult): string {
  const warning = result.feedback.warning ?? '';
  if (COMMON.has(warning)) return 'This password is too common.';
  const why = WHY[warning];
  return why
    ? `This password is too easy to guess: ${why}.`
    : 'This password is too easy to guess. Use a longer one, such as a few unrelated words.';
}

export interface PasswordContext {
  username?: string | undefined;
  email?: string | undefined;
}

/**
 * The problems of a new password in Django's words (empty when acceptable): too short, entirely numeric, like the
 * username or email, or guessable (common, breached, a pattern, a date) by zxcvbn's estimate.
 */
export async function checkPassword(password: string, context: PasswordContext = {}): Promise<string[]> {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH)
    problems.push(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  const personal = [context.username, context.email, context.email?.split('@')[0]].filter(
    (s): s is string => !!s && s.length >= 3,
  );
  // The username and email are words of the guesser's dictionary: a password built on them scores low.
  const result = (await loadEstimator()).check(password, personal);
  if (result.score < MIN_SCORE) {
    const personalMatch = result.sequence.some((m) => 'dictionaryName' in m && m.dictionaryName === 'userInputs');
    problems.push(personalMatch ? 'The password is too similar to the username or email.' : guessableMessage(result));
  }
  return problems;
}
