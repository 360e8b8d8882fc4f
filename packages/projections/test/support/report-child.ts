// Run by report-bytes.test.ts in a process of another time zone and locale:
//   node --import tsx --conditions=levy-source report-child.ts <log.jsonl> <year>
// prints, as one JSON object, the zone and locale the process runs in and the report output of the log.
import { readFileSync } from 'node:fs';
import { reportOutput } from './report-output.js';

const [path, year] = process.argv.slice(2);
if (path === undefined || year === undefined) throw new Error('usage: report-child.ts <log.jsonl> <year>');
const resolved = new Intl.DateTimeFormat().resolvedOptions();
process.stdout.write(
  JSON.stringify({
    timeZone: resolved.timeZone,
    locale: resolved.locale,
    // minutes behind UTC on the first of January, as Date reads the zone
    offsetMinutes: new Date(Date.UTC(Number(year), 0, 1)).getTimezoneOffset(),
    sections: reportOutput(readFileSync(path, 'utf8'), Number(year)),
  }),
);
