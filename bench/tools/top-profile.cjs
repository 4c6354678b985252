#!/usr/bin/env node
/*
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time
 * and the most inclusive time, in ms. Usage: node bench/tools/top-profile.cjs file.cpuprofile [self=25] [inclusive=40]
 */
'use strict';
const fs = require('node:fs');

const [file, selfCount = '25', inclusiveCount = '40'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/tools/top-profile.cjs file.cpuprofile [self] [inclusive]\n');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const cf = n.callFrame;
  const url = cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(functions|infra|bench|test)\//, '$1/');
  return `${cf.functionName || '(anonymous)'} ${url}:${cf.lineNumber + 1}`;
};
const timeById = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const d = profile.timeDeltas[i] ?? 0;
  total += d;
  timeById.set(id, (timeById.get(id) ?? 0) + d);
});
const self = new Map();
const inclusive = new Map();
for (const [id, d] of timeById) {
  const k = label(nodes.get(id));
  self.set(k, (self.get(k) ?? 0) + d);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const key = label(nodes.get(cur));
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + d);
  }
}
const print = (title, map, count) => {
  process.stdout.write(`--- ${title}\n`);
  [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(count)).forEach(([k, v]) => process.stdout.write(`${(v / 1000).toFixed(0).padStart(7)} ms  ${k}\n`));
};
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled\n`);
print('self', self, selfCount);
print('inclusive', inclusive, inclusiveCount);
