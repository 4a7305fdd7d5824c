// Help texts name lists that live in code (the tables a command empties), so they are
// wrapped here to the help's column rather than typed out, and never go stale.

/** `text` in lines of at most `width` characters, joined with a newline and `indent` spaces. */
export function wrapHelp(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n' + ' '.repeat(indent));
}
