// Another process appending to timeline.jsonl (as the CLI or a second window does): for every JSON
// line {file, line} on stdin it appends the line with O_APPEND, fsyncs, closes and prints the epoch
// ms at which the fsync returned. Started by the timeline probe (bench/host/timelineProbe.ts).
import * as fs from 'node:fs';
import * as readline from 'node:readline';

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (raw) => {
  const { file, line } = JSON.parse(raw) as { file: string; line: string };
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND);
  let synced: number;
  try {
    fs.writeSync(fd, line + '\n');
    fs.fsyncSync(fd);
    synced = Date.now();
  } finally {
    fs.closeSync(fd);
  }
  process.stdout.write(`${synced}\n`);
});
