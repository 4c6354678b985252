import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFormDefinition } from '../../../functions/core/forms/definition';
import { linkExpiry } from '../../../infra/cli/commands/links';

const form = parseFormDefinition(JSON.parse(readFileSync(join(__dirname, '../../../templates/sap-xep-bo-may.v1.json'), 'utf8')));
const DAY = 86_400_000;

describe('linkExpiry', () => {
  describe('a link issued before the deadline', () => {
    it('expires 30 days after the unit type\'s deadline', () => {
      // 2019-Q1: huyện due Mon 18/03/2019 17:00 (16th was a Saturday), Asia/Ho_Chi_Minh.
      const expires = linkExpiry([form], { type: 'huyen' }, '2019-Q1', new Date('2019-03-01T00:00:00Z'));

      expect(expires.toISOString()).toBe(new Date(Date.parse('2019-03-18T10:00:00Z') + 30 * DAY).toISOString());
    });
  });

  describe('a link issued long after the deadline (chasing a late report)', () => {
    it('still lives 30 days from the moment it is issued', () => {
      const now = new Date('2026-11-27T12:00:00Z');

      const expires = linkExpiry([form], { type: 'so-nganh' }, '2019-Q1', now);

      expect(expires.getTime()).toBe(now.getTime() + 30 * DAY);
    });
  });
});
