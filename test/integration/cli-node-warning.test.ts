/**
 * The AWS SDK's Node-version warning (a screenful of English on every command under Node < 22)
 * is not printed by CLI commands; other warnings still are; `--help` says it once, in Vietnamese.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeVersionNotice } from '../../infra/cli/node-version';
import { runTonghop } from '../support/cli';

jest.setTimeout(120_000);

describe('tonghop CLI', () => {
  describe('Node.js version warning', () => {
    let work: string;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'tonghop-node-warning-'));
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('prints no AWS SDK Node-version warning on a command that uses the SDK, but still prints other warnings', async () => {
      // Arrange: another warning emitted in the same process, before the CLI runs.
      const other = join(work, 'other-warning.cjs');
      writeFileSync(other, "process.emitWarning('một cảnh báo khác vẫn phải hiện');\n");

      const result = await runTonghop(['units', 'list', '--json'], {
        TONGHOP_DATA_DIR: join(work, 'data'),
        NODE_OPTIONS: `--require ${other}`,
        NODE_NO_WARNINGS: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
      });

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([]);
      expect(result.stderr).not.toContain('NodeVersionSupportWarning');
      expect(result.stderr).not.toContain('AWS SDK for JavaScript');
      expect(result.stderr).toContain('một cảnh báo khác vẫn phải hiện');
    });

    it('says once, in Vietnamese, in --help when this Node.js is older than 22', async () => {
      const result = await runTonghop(['--help'], {});

      const notice = nodeVersionNotice();
      if (notice) expect(result.stdout.split(notice)).toHaveLength(2);
      else expect(result.stdout).not.toContain('Node.js');
      expect(result.stderr).toBe('');
    });
  });

  describe('nodeVersionNotice', () => {
    it('names the running version and Node.js 22 in Vietnamese below 22, and nothing from 22 on', () => {
      expect(nodeVersionNotice('v20.20.2')).toBe(
        'Lưu ý: máy này đang chạy Node.js v20.20.2; các bản AWS SDK phát hành sau tuần đầu tháng 01/2027 cần Node.js 22 trở lên (Lambda cũng chạy Node.js 22). Hãy nâng cấp Node.js lên bản 22.',
      );
      expect(nodeVersionNotice('v22.0.0')).toBeUndefined();
      expect(nodeVersionNotice('v24.3.1')).toBeUndefined();
    });
  });
});
