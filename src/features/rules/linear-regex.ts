import v8 from 'node:v8';

// V8's linear-time engine (flag `l`): a user's pattern can never backtrack, so no pattern and no
// description can hang the server. The flag must be on before the first `l` pattern compiles.
v8.setFlagsFromString('--enable-experimental-regexp-engine');

export const maxPatternLength = 500;

/**
 * The pattern with its literal letters lower-cased, escapes left alone (`\D`, `\W`, `\S` keep their
 * meaning): the linear engine has no `i` flag, so matching lower-cases the text instead.
 */
function foldCase(pattern: string): string {
  let folded = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '\\') {
      folded += char + (pattern[index + 1] ?? '');
      index += 1;
    } else {
      folded += char.toLowerCase();
    }
  }
  return folded;
}

export type LinearPattern = { test: (text: string) => boolean };

/** A case-insensitive matcher that runs in linear time, or why the pattern cannot be one. */
export function compileLinearPattern(pattern: string): LinearPattern | { problem: string } {
  if (pattern.length > maxPatternLength) return { problem: `is longer than ${maxPatternLength} characters` };
  let regex: RegExp;
  try {
    regex = new RegExp(foldCase(pattern), 'l');
  } catch (error) {
    const message = (error as Error).message;
    return {
      problem: /linear time/.test(message)
        ? 'uses a construct that needs backtracking (a backreference or lookaround); rewrite it without'
        : `is not a valid regular expression: ${message.replace(/^Invalid regular expression: /, '')}`,
    };
  }
  return { test: (text) => regex.test(text.toLowerCase()) };
}

/** Refuses to start on a runtime whose V8 lacks the linear engine, instead of matching unsafely later. */
export function assertLinearEngine(): void {
  const compiled = compileLinearPattern('(a+)+$');
  if ('problem' in compiled || compiled.test(`${'a'.repeat(64)}!`)) throw new Error('the linear-time regular expression engine is unavailable');
}
