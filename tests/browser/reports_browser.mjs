// node reports_browser.mjs PAGES.json — run by reports_browser_test.cc.
// Opens each page cerclesctl wrote (PAGES.json: the chromium binary,
// tools/node's node_modules, the artifacts folder, and per page its name,
// report, lang, HTML file and the API's JSON of the same report) in headless
// Chromium through playwright-core and checks what a reader sees against the
// API's figures:
//   - no console error, no page error, no request besides the page itself
//     (self-contained: no font, image or script fetched) and none failed;
//   - every chart (svg.chart[data-chart]) present and drawn, with one point
//     (data-series, data-point) per period, cohort, region, bucket or circle
//     of the JSON, or its "no data" text when the JSON has none;
//   - no chart text drawn outside its chart, the page no wider than the window;
//   - <html lang> and words of the language; none of the other's title;
//   - the whole range's figures (loans disbursed, their amount, businesses
//     started and full-time jobs kept, which the demo records, for the
//     impact report; active loans and outstanding principal for the
//     portfolio) in one row of the page, formatted by Intl for fr-CA or en-CA
//     (independently of cerclesctl's own formatter);
//   - printable: with print media the charts are still drawn, and an A4 PDF.
// Writes NAME.html (the page), NAME.png (full page) and NAME.pdf to the
// artifacts folder, and prints their paths. Exits 1 with one line per failed check.
import { createRequire } from 'node:module';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(path.join(manifest.node_modules, 'noop.js'));
const { chromium } = require('playwright-core');

const failures = [];
const fail = (page, what) => failures.push(`${page}: ${what}`);

// Intl's spaces (U+00A0, U+202F) and cerclesctl's compared as one.
const norm = (text) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const locale = (lang) => (lang === 'fr' ? 'fr-CA' : 'en-CA');
const count = (lang, n) => new Intl.NumberFormat(locale(lang)).format(n);
const money = (lang, m) =>
  new Intl.NumberFormat(locale(lang), { style: 'currency', currency: m?.currencyCode || 'CAD' })
    .format(Number(m?.minorUnits ?? 0) / 100);
// A4 landscape less the page's 12 mm margins, in CSS px (96 per inch).
const A4_PRINTED_WIDTH = Math.floor(((297 - 2 * 12) / 25.4) * 96);
const dayKey = (d) => `${d.year}-${d.month}-${d.day}`;

// Words each language's pages show, and a title only the other one has.
const WORDS = {
  impact: {
    fr: ["Rapport d'impact", 'Prêts décaissés', 'Montant décaissé', 'Survie des entreprises', 'Par période'],
    en: ['Impact report', 'Loans disbursed', 'Amount disbursed', 'Business survival', 'By period'],
  },
  portfolio: {
    fr: ['Portefeuille de prêts', 'Prêts actifs', 'Encours par cercle', 'À jour'],
    en: ['Loan portfolio', 'Active loans', 'Outstanding principal by circle', 'Current'],
  },
  circles: {
    fr: ['Rapport des cercles', 'Cercles par état', 'Taux de présence par cercle', 'Par mois'],
    en: ['Circles report', 'Circles by status', 'Attendance rate by circle', 'By month'],
  },
};

// What the page must show, from the API's JSON: points per chart and series,
// and the cells of one row.
function expected(page, api) {
  if (page.report === 'impact') {
    const periods = new Set(
      (api.periods || []).filter((p) => !p.region).map((p) => dayKey(p.periodStart)));
    const cohorts = api.cohorts || [];
    const has = (field) => cohorts.filter((c) => c[field] !== undefined).length;
    const total = (api.totals || []).find((t) => !t.region);
    if (!total) throw new Error('the API reports no total for the fund: nothing to compare');
    // The demo's follow-ups record business outcomes (tools/demo/business_story.cc).
    if (!(total.businessesStarted > 0 && total.businessesKept > 0 &&
          total.jobsCreatedFullTime > 0 && total.jobsKeptFullTime > 0 && cohorts.length > 0)) {
      throw new Error(`the demo fund records no business outcome: ${JSON.stringify(total)}`);
    }
    return {
      charts: {
        trend: { loans: periods.size, amount: periods.size },
        survival: {
          'survival-1': has('survival1YearBps'),
          'survival-3': has('survival3YearsBps'),
          'survival-5': has('survival5YearsBps'),
        },
        // A region that lent nothing has no bar (the table still lists it).
        regions: {
          amount: (api.totals || [])
            .filter((t) => t.region && Number((t.amountDisbursed || {}).minorUnits || 0) > 0).length,
        },
      },
      row: [total.fundId, count(page.lang, total.loansDisbursed),
        money(page.lang, total.amountDisbursed), count(page.lang, total.businessesStarted),
        count(page.lang, total.jobsKeptFullTime)],
      facts: `${total.loansDisbursed} loans, ${money(page.lang, total.amountDisbursed)}, ` +
        `${total.businessesStarted} businesses started, ${total.jobsKeptFullTime} full-time jobs kept`,
    };
  }
  if (page.report === 'circles') {
    const circles = api.circles || [];
    const months = api.months || [];
    if (circles.length === 0) throw new Error('the API reports no circle: nothing to compare');
    const rated = (rows) => rows.filter((r) => r.attendanceRateBps !== undefined).length;
    const first = circles[0];
    return {
      charts: {
        status: { circles: (api.byStatus || []).length },
        trend: { meetings: months.length, attendance: rated(months) },
        attendance: { attendance: rated(circles) },
        arrears: { loans_in_arrears: circles.length },
      },
      row: [first.displayName, count(page.lang, first.memberCount || 0),
        count(page.lang, first.meetingsHeld || 0)],
      facts: `${circles.length} circles, ${months.length} months`,
    };
  }
  const fund = api.fund;
  return {
    charts: {
      buckets: { loans: (api.bucketLabels || []).length },
      circles: { outstanding: (api.byCircle || []).length },
    },
    row: [page.lang === 'fr' ? 'Fonds' : 'Fund', count(page.lang, fund.activeLoans),
      money(page.lang, fund.outstandingPrincipal)],
    facts: `${fund.activeLoans} active loans, ${money(page.lang, fund.outstandingPrincipal)}`,
  };
}

// Per chart: its points by series, whether it is drawn, its "no data" text,
// and its texts drawn outside its viewBox.
function readCharts() {
  const out = {};
  for (const svg of document.querySelectorAll('svg.chart[data-chart]')) {
    const name = svg.getAttribute('data-chart');
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const series = {};
    for (const point of svg.querySelectorAll('[data-series][data-point]')) {
      const s = point.getAttribute('data-series');
      series[s] = (series[s] || 0) + 1;
    }
    const outside = [];
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (b.x < view.x - 0.5 || b.y < view.y - 0.5 || b.x + b.width > view.x + view.width + 0.5 ||
          b.y + b.height > view.y + view.height + 0.5) {
        outside.push(`"${text.textContent}" at x ${b.x.toFixed(0)}..${(b.x + b.width).toFixed(0)}` +
          ` of 0..${view.width}`);
      }
    }
    out[name] = {
      count: (out[name]?.count || 0) + 1,
      series,
      drawn: box.width > 50 && box.height > 20,
      empty: svg.querySelector('text.empty') !== null,
      outside,
    };
  }
  return out;
}

function checkCharts(name, want, charts) {
  for (const [chart, series] of Object.entries(want)) {
    const got = charts[chart];
    if (!got) {
      fail(name, `chart "${chart}" is missing`);
      continue;
    }
    if (got.count !== 1) fail(name, `chart "${chart}" is there ${got.count} times`);
    if (!got.drawn) fail(name, `chart "${chart}" is not drawn (no size on the page)`);
    const total = Object.values(series).reduce((a, b) => a + b, 0);
    for (const [s, n] of Object.entries(series)) {
      if ((got.series[s] || 0) !== n) {
        fail(name, `chart "${chart}" series "${s}" has ${got.series[s] || 0} points, the API ${n}`);
      }
    }
    for (const s of Object.keys(got.series)) {
      if (!(s in series)) fail(name, `chart "${chart}" has an unexpected series "${s}"`);
    }
    if (total === 0 && !got.empty) fail(name, `chart "${chart}" has no data but does not say so`);
    for (const text of got.outside) fail(name, `chart "${chart}" draws ${text} (outside the chart)`);
  }
}

const browser = await chromium.launch({
  executablePath: manifest.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
});
try {
  for (const page of manifest.pages) {
    const started = Date.now();
    const api = JSON.parse(readFileSync(page.json, 'utf8'));
    const want = expected(page, api);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    const url = pathToFileURL(page.html).href;
    tab.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') fail(page.name, `console ${m.type()}: ${m.text()}`);
    });
    tab.on('pageerror', (e) => fail(page.name, `page error: ${e.message}`));
    tab.on('requestfailed', (r) => fail(page.name, `request failed: ${r.url()} ${r.failure()?.errorText}`));
    tab.on('request', (r) => {
      if (r.url() !== url) fail(page.name, `the page fetches ${r.url()} (it must be self-contained)`);
    });
    const response = await tab.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) fail(page.name, `${url} did not load`);

    // The language and its words.
    const lang = await tab.evaluate(() => document.documentElement.lang);
    if (lang !== page.lang) fail(page.name, `<html lang="${lang}">, asked for ${page.lang}`);
    const text = norm(await tab.evaluate(() => document.body.innerText));
    for (const word of WORDS[page.report][page.lang]) {
      if (!text.includes(norm(word))) fail(page.name, `the page does not say "${word}"`);
    }
    const other = WORDS[page.report][page.lang === 'fr' ? 'en' : 'fr'][0];
    if (text.includes(other)) fail(page.name, `the ${page.lang} page says "${other}"`);

    // The charts, against the API.
    checkCharts(page.name, want.charts, await tab.evaluate(readCharts));
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) fail(page.name, `the page is ${overflow} px wider than a 1280 px window`);

    // The whole range's figures: the cells of one row of a table.
    const rows = await tab.evaluate(() =>
      [...document.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.innerText)));
    const cells = want.row.map(norm);
    if (!rows.some((row) => cells.every((cell) => row.map(norm).includes(cell)))) {
      fail(page.name, `no row shows ${JSON.stringify(cells)} (the API's figures)`);
    }

    // Printable: with print media, in the width of an A4 landscape page less
    // its margins (the page's @page), the charts still drawn and nothing wider
    // than the paper; then the A4 PDF.
    await tab.emulateMedia({ media: 'print' });
    await tab.setViewportSize({ width: A4_PRINTED_WIDTH, height: 700 });
    const printed = await tab.evaluate(readCharts);
    for (const [chart, got] of Object.entries(printed)) {
      if (!got.drawn) fail(page.name, `chart "${chart}" is not drawn when printed`);
    }
    const wider = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wider > 0) fail(page.name, `printed, the page is ${wider} px wider than A4 landscape`);
    const pdf = path.join(manifest.artifacts, `${page.name}.pdf`);
    await tab.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    if (statSync(pdf).size < 2000) fail(page.name, `the A4 PDF ${pdf} is empty`);
    await tab.emulateMedia({ media: 'screen' });
    await tab.setViewportSize({ width: 1280, height: 900 });
    const png = path.join(manifest.artifacts, `${page.name}.png`);
    await tab.screenshot({ path: png, fullPage: true });
    await context.close();
    const html = path.join(manifest.artifacts, `${page.name}.html`);
    copyFileSync(page.html, html);
    console.log(`${page.name}: ${want.facts}; charts ${JSON.stringify(want.charts)}; ` +
      `${Date.now() - started} ms\n  page       ${html}\n  screenshot ${png}\n  A4 PDF     ${pdf}`);
  }
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.log(`reports_browser: ${failures.length} failed check(s):`);
  for (const f of failures) console.log(`  ${f}`);
  process.exit(1);
}
console.log(`reports_browser: ${manifest.pages.length} pages checked`);
