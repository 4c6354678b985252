/**
 * The chart renderer as deployed: built with the Lambda esbuild settings (infra/bundling.ts
 * `bundleEntry`, which copies `briefing-assets/` like the CDK hook) into a folder outside the
 * repository, so nothing can be read from node_modules, then run in a fresh node process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleEntry } from '../../infra/bundling';

jest.setTimeout(180_000);

describe('chart renderer bundle', () => {
  describe('built like a Lambda bundle', () => {
    it('draws a PNG from the bundle and its copied assets alone', async () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-chart-bundle-'));
      const { outfile, metafile } = await bundleEntry('test/fixtures/bundles/chart-render-entry.ts', outdir, { chartAssets: true });
      // No WebAssembly or font inlined: they are read from briefing-assets/ at run time.
      expect(Object.keys(metafile.inputs).filter((i) => /\.(wasm|ttf)$/.test(i))).toEqual([]);
      const spec = { id: 'completeness', kind: 'bar-stacked', title: 'Tình hình báo cáo theo loại đơn vị', categories: ['Huyện ủy, thị ủy, thành ủy'], series: [{ name: 'Đã nộp', role: 'done', data: [9] }], format: 'number', alt: '' };
      const script = [
        `const { renderer } = require(${JSON.stringify(outfile)});`,
        `renderer.render([${JSON.stringify(spec)}]).then(([c]) => console.log(JSON.stringify({ signature: c.png.subarray(1, 4).toString(), width: c.width, height: c.height })), (e) => { console.error(e.stack); process.exit(1); });`,
      ].join('\n');

      const run = spawnSync(process.execPath, ['-e', script], { cwd: outdir, env: { PATH: process.env.PATH, NODE_PATH: '' }, encoding: 'utf8' });

      expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(run.stdout.trim())).toEqual({ signature: 'PNG', width: 1280, height: expect.any(Number) });
      fs.rmSync(outdir, { recursive: true, force: true });
    });

    it('fails with the missing files named when the bundle has no assets beside it', async () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-chart-bundle-'));
      const { outfile } = await bundleEntry('test/fixtures/bundles/chart-render-entry.ts', outdir);
      const script = `require(${JSON.stringify(outfile)}).renderer.render([{ id: 'x', kind: 'line', title: 'x', categories: ['a'], series: [], format: 'number', alt: '' }]).then(() => process.exit(0), (e) => { console.error(e.name + ': ' + e.message); process.exit(1); });`;

      const run = spawnSync(process.execPath, ['-e', script], { cwd: outdir, env: { PATH: process.env.PATH }, encoding: 'utf8' });

      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/ChartAssetsMissingError: Chart assets not found beside the bundle .*briefing-assets/);
      fs.rmSync(outdir, { recursive: true, force: true });
    });
  });

  describe('the consolidate entry', () => {
    it('bundles the ECharts renderer (tree-shaken: core, bar and line charts, SVG renderer only)', async () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-consolidate-bundle-'));
      const { metafile } = await bundleEntry('functions/lambda/consolidate.ts', outdir);
      // What ended up in the output (the metafile's inputs also list files tree-shaken away).
      const inputs = Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([i]) => i));

      expect(inputs).toContain('functions/adapters/echarts-chart-renderer.ts');
      expect(inputs.some((i) => i.includes('node_modules/echarts/lib/chart/bar/'))).toBe(true);
      expect(inputs.some((i) => /node_modules\/echarts\/lib\/(chart\/(pie|map|graph)|renderer\/installCanvasRenderer)/.test(i))).toBe(false);
      fs.rmSync(outdir, { recursive: true, force: true });
    });
  });
});
