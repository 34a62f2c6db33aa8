// The one question `run` asks on a terminal before running a step.
import * as readline from 'node:readline';

/** Prints `question` on stderr and reads one line from stdin; only `y` or `yes` (any case) is yes. */
export function askOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(answer));
    });
    // Ctrl+D or Ctrl+C at the question: no.
    rl.once('close', () => {
      if (!answered) {
        process.stderr.write('\n');
        resolve(false);
      }
    });
  });
}
