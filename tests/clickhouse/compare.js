// compare.js -- run `ztlog rules sql` in ClickHouse (chdb, embedded) over
// the records `ztlog export` wrote, and compare with ztlog's own report.
//
//   node compare.js DDL.sql RECORDS.tsv RULES.sql CHECK.json LB.json
//
// Prints one line per comparison; exit 0 when all agree, 1 when one
// differs, 2 on a setup error.  chdb is found through NODE_PATH.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Session } = require('chdb');

const [ddl, tsv, rules, checkJson, lbJson] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztlog-chdb-'));
const s = new Session(dir);
let bad = 0;
let compared = 0;

function q(sql) {
	const out = s.query(sql, 'JSONEachRow').trim();
	return out === '' ? [] : out.split('\n').map((l) => JSON.parse(l));
}

function same(what, a, b) {
	compared++;
	const ok = typeof a === 'number' && typeof b === 'number' ?
	    Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) :
	    a === b;
	if (!ok) {
		bad++;
		console.log(`DIFF ${what}: ztlog ${JSON.stringify(a)}, ` +
		    `ClickHouse ${JSON.stringify(b)}`);
	}
}

try {
	s.query(fs.readFileSync(ddl, 'utf8'));
	const cols = q("SELECT name, type FROM system.columns WHERE " +
	    "database = currentDatabase() AND table = 'records' " +
	    "ORDER BY position").map((c) => `\`${c.name}\` ${c.type}`);
	s.query(`INSERT INTO records SELECT * FROM file(` +
	    `'${path.resolve(tsv)}', 'TabSeparated', '${cols.join(', ')}')`);

	const report = JSON.parse(fs.readFileSync(checkJson, 'utf8'));
	same('records', report.input.records, q('SELECT count() AS n ' +
	    'FROM records')[0].n);
	// The statements of each rule, in order: "-- rule ID (type ...".
	const byRule = {};
	let cur = null;
	for (const st of fs.readFileSync(rules, 'utf8').split(/;\n/)) {
		const m = st.match(/^-- rule (\S+) \(type/m);
		if (m) cur = byRule[m[1]] = [];
		if (cur && st.replace(/--.*$/mg, '').trim()) cur.push(st);
	}
	for (const r of report.rules) {
		const sts = byRule[r.id];
		if (!sts && r.status === 'skip') {
			// waypoint, endpoints: they need an inventory
			console.log(`${r.id}: skipped, no SQL for the rule`);
			continue;
		}
		if (!sts) {
			bad++;
			console.log(`DIFF ${r.id}: no SQL for the rule`);
			continue;
		}
		const row = q(sts[0])[0];
		// The other statements (per service, error texts) must run.
		for (const st of sts.slice(1))
			q(st);
		let n = 0;
		for (const k of Object.keys(r.counts))
			if (k in row) {
				same(`${r.id}.${k}`, r.counts[k], row[k]);
				n++;
			}
		if ('status' in row)
			same(`${r.id}.status`, r.status, row.status);
		if (n === 0) {
			bad++;
			console.log(`DIFF ${r.id}: no count in common`);
		}
		console.log(`${r.id}: ${n} counts${'status' in row ?
		    ' and the status' : ''} compared`);
	}
	// balance, service by service: connections and the statistic.
	const lb = JSON.parse(fs.readFileSync(lbJson, 'utf8'));
	if (byRule.balance && byRule.balance.length > 1) {
		const svc = {};
		for (const r of q(byRule.balance[1]))
			svc[r.service] = r;
		for (const v of lb.services) {
			const c = svc[v.service];
			if (!c) {
				bad++;
				console.log(`DIFF balance: ${v.service} missing`);
				continue;
			}
			same(`${v.service} connections`, v.connections,
			    c.connections);
			same(`${v.service} endpoints`, v.endpoints.length,
			    c.endpoints);
			// ztlog's JSON gives 6 significant digits.  The SQL
			// of balance is the uniform spread (chi2_uniform):
			// ztlog's model (presence, capacity) differs.
			if (v.chi2 !== null && v.chi2 !== undefined &&
			    c.chi2 !== undefined)
				same(`${v.service} chi2`, v.chi2,
				    Number(c.chi2.toPrecision(6)));
		}
		same('balance services', lb.services.length,
		    Object.keys(svc).length);
		console.log(`balance: ${lb.services.length} services compared`);
	}
} catch (e) {
	console.log(`ERROR ${e.message}`);
	process.exitCode = 2;
}
s.cleanup();
fs.rmSync(dir, { recursive: true, force: true });
if (process.exitCode !== 2) {
	console.log(`${compared} comparisons, ${bad} differ`);
	process.exitCode = bad > 0 ? 1 : 0;
}
