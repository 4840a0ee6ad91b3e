// Counts one vitest JSON report (jest-compatible) and prints "passed failed skipped" on one line, for .ci/run.
// A file that fails outside its tests (it cannot load, or a beforeAll throws) has no failed test of its own, so it
// counts as one failure; so does a failed run with nothing else failed (an unhandled error). Skipped = skipped + todo.
// A report that is missing or unreadable counts as one failure.
import { readFileSync } from 'node:fs';

function count(path) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return [0, 1, 0];
  }
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  const brokenFiles = files.filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  let failed = (report.numFailedTests ?? 0) + brokenFiles;
  if (report.success === false && failed === 0) failed = 1;
  return [report.numPassedTests ?? 0, failed, (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)];
}

console.log(count(process.argv[2] ?? '').join(' '));
