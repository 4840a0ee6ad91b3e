/**
 * `npm run screenshots`: the README's pictures, from the built dashboard served by a real `xat serve` with the
 * browser tests' seed, in Debian's Chromium. Writes docs/servers.png, docs/server-detail.png, docs/compare.png,
 * docs/load-test.png, docs/recordings.png (a recording's page), docs/recordings-compare.png, docs/benchmark-compare.png
 * (Compare's Benchmarks view) and docs/jobs.png (a benchmark job group in progress); the tests themselves
 * write nothing into the repository. Names given (`npm run screenshots -- recordings.png`) write only those.
 */
import { join } from 'node:path';
import { ensureBuilt, launchBrowser, ROOT, startXat } from './harness.ts';
import { seed, seedRecordings } from './seed.ts';
import { seedBenchmarkRuns, seedJobGroup } from './seed-benchmarks.ts';

const DOCS = join(ROOT, 'docs');
const ONLY = process.argv.slice(2);

async function main(): Promise<void> {
  const [server] = await Promise.all([startXat(), ensureBuilt()]);
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  try {
    const data = await seed(server);
    const recordings = await seedRecordings(server, data.token);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.origin}/`);
    await page.getByLabel('Username').fill(server.admin.username);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();

    const shoot = async (name: string, fullPage: boolean) => {
      if (ONLY.length > 0 && !ONLY.includes(name)) return;
      await page.evaluate(() => window.scrollTo(0, 0));
      // Charts draw on the next frame after their data arrives.
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(DOCS, name), fullPage });
      console.log(`wrote docs/${name}`);
    };

    await page.goto(`${server.origin}/servers?sort=-performance`);
    await page.getByRole('region', { name: 'Fleet totals' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'oci-app-01' }).waitFor();
    await shoot('servers.png', false);

    await page.setViewportSize({ width: 1440, height: 1480 });
    await page.goto(`${server.origin}/servers/${data.azure.collector.id}`);
    await page.getByRole('list', { name: 'CPU: load tests' }).waitFor();
    await page.getByRole('img', { name: /^Filesystem usage chart/ }).waitFor();
    await shoot('server-detail.png', false);
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.goto(`${server.origin}/compare?ids=${data.oci.collector.id},${data.azure.collector.id}`);
    await page.getByRole('status', { name: 'Runs left out' }).waitFor();
    await page.getByRole('img', { name: /Shaded: 95 % interval of the mean$/ }).waitFor();
    await page.getByRole('img', { name: /^CPU busy across servers chart/ }).waitFor();
    await shoot('compare.png', true);

    await page.goto(`${server.origin}/load-tests/${data.runs.ociSuspect.id}`);
    await page.getByRole('region', { name: 'Series' }).getByRole('row').nth(4).waitFor();
    await shoot('load-test.png', true);

    await page.goto(`${server.origin}/recordings/${recordings.large.recording.id}`);
    await page.getByRole('img', { name: /^Network received \/ sent chart/ }).waitFor();
    await page.getByRole('region', { name: 'Statistics' }).getByRole('row').nth(3).waitFor();
    await shoot('recordings.png', true);

    const ids = [recordings.large.recording.id, recordings.small.recording.id].join(',');
    await page.goto(`${server.origin}/recordings/compare?ids=${ids}`);
    await page.getByRole('img', { name: /^CPU busy since each start chart/ }).waitFor();
    await shoot('recordings-compare.png', true);

    // Benchmark runs and a job group are seeded last, so the pictures above stay as they were.
    await seedBenchmarkRuns(server, data.azure, data.oci);
    const group = await seedJobGroup(server, data.token, data.azure, data.oci);
    await page.goto(`${server.origin}/benchmarks/jobs?group=${group}`);
    await page.getByRole('table', { name: 'Benchmark jobs' }).getByText('Single-core score').waitFor();
    await shoot('jobs.png', false);

    await page.setViewportSize({ width: 1440, height: 1500 });
    await page.goto(`${server.origin}/compare?ids=${data.oci.collector.id},${data.azure.collector.id}&view=benchmarks`);
    await page.getByRole('img', { name: /^Core scaling:/ }).waitFor();
    await page.getByRole('region', { name: 'Benchmark metrics' }).waitFor();
    if (ONLY.length === 0 || ONLY.includes('benchmark-compare.png')) {
      // From the view's switch down: the scores, the core-scaling curves and the first metrics.
      await page.getByRole('group', { name: 'Compare by' }).evaluate((el) => {
        el.scrollIntoView();
        window.scrollBy(0, -72); // below the sticky bar
      });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(DOCS, 'benchmark-compare.png') });
      console.log('wrote docs/benchmark-compare.png');
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
