// The explorer's schedules against optim_ref.schedules (cases from tests/test_explorer_lrs_node.py).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { lrs } from "../../docs/assets/javascripts/explorer/lrs.js";

const { cases, bad } = JSON.parse(readFileSync(process.env.LRS_CASES, "utf8"));

test("every schedule's lrs equal optim_ref's to 1e-12 relative", () => {
  assert.ok(cases.length > 100);
  for (const c of cases) {
    const ours = lrs(c.spec, c.base, c.steps);
    assert.equal(ours.length, c.lrs.length);
    for (let k = 0; k < ours.length; k++) {
      const err = Math.abs(ours[k] - c.lrs[k]) / Math.max(Math.abs(c.lrs[k]), 1e-300);
      assert.ok(err <= 1e-12, `${JSON.stringify(c.spec)} base ${c.base} step ${k + 1}: ${ours[k]} vs ${c.lrs[k]}`);
    }
  }
});

test("arguments optim_ref refuses are refused, naming the argument", () => {
  for (const spec of bad) {
    const name = Object.keys(spec).find((k) => k !== "name");
    assert.throws(() => lrs(spec, 0.1, 5), new RegExp(`Invalid ${name}`), JSON.stringify(spec));
  }
});
