/*
 * fuzz_inventory.c -- libFuzzer target for the inventory readers: the
 * input is one inventory file (raw config_dump JSON, istioctl JSON or
 * tables), given to zt_inv_load_mem() on a fresh inventory, as
 * `--inventory FILE` will.  When it loads, every query runs on what it
 * holds, the model is written to an in-memory SQLite database, and the
 * same bytes are loaded again, which must be recognised as a repeat.
 *
 * abort() when the readers break their contract (inv.h): a failed load
 * without a message or file, or that leaves anything behind; a record
 * without name or namespace; a workload or service not found by its own
 * address, uid, name or hostname; an endpoint count that is not the
 * endpoints'; a store that fails on a loaded model; a repeat that changes
 * the model.
 *
 * Seeds: tests/fuzz/seeds/fuzz_inventory (small hand-made inputs) and,
 * from scripts/check.sh, tests/fixtures/inventory; the dictionary
 * fuzz_inventory.dict holds the keys and table headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv/inv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_inventory: contract broken: %s\n", what);
	abort();
}

static void
check_workload(struct zt_inv *inv, const struct zt_inv_workload *w)
{
	const struct zt_inv_workload	*out[64];
	size_t				 n;
	size_t				 i;
	size_t				 j;
	int				 found;

	if (w->name == NULL || w->ns == NULL)
		fail("a workload without name or namespace");
	if (w->uid != NULL && zt_inv_workload_by_uid(inv, w->uid) == NULL)
		fail("a workload not found by its uid");
	n = zt_inv_workloads_by_name(inv, w->ns, w->name, out, 64);
	for (i = 0, found = 0; i < n && i < 64; i++)
		found |= out[i] == w;
	if (!found && n <= 64)
		fail("a workload not found by its name");
	for (j = 0; j < w->nips; j++) {
		n = zt_inv_workloads_by_ip(inv, w->ips[j], out, 64);
		for (i = 0, found = 0; i < n && i < 64; i++)
			found |= out[i] == w;
		if (!found && n <= 64)
			fail("a workload not found by its address");
	}
	if (w->nsources == 0 || w->source >= zt_inv_nsources(inv))
		fail("a workload from no source");
	(void)zt_inv_workload_waypoint(inv, w);
}

static void
check_service(struct zt_inv *inv, const struct zt_inv_service *s)
{
	const struct zt_inv_service	*out[64];
	size_t				 n;
	size_t				 i;
	size_t				 j;
	int				 found;
	int64_t				 healthy = 0;

	if (s->name == NULL || s->ns == NULL)
		fail("a service without name or namespace");
	if (s->hostname != NULL) {
		n = zt_inv_services_by_host(inv, s->hostname, s->ns, out, 64);
		for (i = 0, found = 0; i < n && i < 64; i++)
			found |= out[i] == s;
		if (!found && n <= 64)
			fail("a service not found by its hostname");
	}
	for (j = 0; j < s->nvips; j++) {
		n = zt_inv_services_by_vip(inv, s->vips[j], out, 64);
		for (i = 0, found = 0; i < n && i < 64; i++)
			found |= out[i] == s;
		if (!found && n <= 64)
			fail("a service not found by its VIP");
	}
	for (j = 0; j < s->neps; j++)
		healthy += zt_inv_endpoint_health(&s->eps[j]) ==
		    ZT_INV_HEALTHY;
	if (s->eps_known && (s->ep_total != (int64_t)s->neps ||
	    s->ep_healthy != healthy))
		fail("endpoint counts that are not the endpoints'");
	if (!s->eps_known && s->neps != 0)
		fail("endpoints from a source without them");
	(void)zt_inv_service_waypoint(inv, s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_inv	*inv = zt_inv_new();
	struct zt_err	 err;
	sqlite3		*db;
	size_t		 nw;
	size_t		 ns;
	size_t		 nc;
	size_t		 i;

	memset(&err, 0, sizeof(err));
	if (zt_inv_load_mem(inv, "fuzz", data, size, NULL, &err) == -1) {
		if (err.msg[0] == '\0' || err.file == NULL ||
		    strcmp(err.file, "fuzz") != 0)
			fail("a failed load without message or file");
		if (zt_inv_nsources(inv) != 0 || zt_inv_nworkloads(inv) != 0 ||
		    zt_inv_nservices(inv) != 0)
			fail("a failed load left something behind");
		zt_inv_free(inv);
		return 0;
	}
	if (zt_inv_nsources(inv) != 1)
		fail("one file, not one source");
	for (i = 0; i < zt_inv_nworkloads(inv); i++)
		check_workload(inv, zt_inv_workload(inv, i));
	for (i = 0; i < zt_inv_nservices(inv); i++)
		check_service(inv, zt_inv_service(inv, i));
	for (i = 0; i < zt_inv_nconflicts(inv); i++)
		if (zt_inv_conflict(inv, i)->kept == NULL ||
		    zt_inv_conflict(inv, i)->other == NULL)
			fail("a conflict without values");
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		fail("sqlite3_open");
	if (zt_inv_store(inv, db, &err) == -1)
		fail(err.msg);
	sqlite3_close(db);

	nw = zt_inv_nworkloads(inv);
	ns = zt_inv_nservices(inv);
	nc = zt_inv_nconflicts(inv);
	if (zt_inv_load_mem(inv, "again", data, size, NULL, &err) == -1)
		fail("the same bytes fail the second time");
	if (zt_inv_nsources(inv) != 2 ||
	    zt_inv_source(inv, 1)->format != ZT_INV_FMT_NONE ||
	    zt_inv_nworkloads(inv) != nw || zt_inv_nservices(inv) != ns ||
	    zt_inv_nconflicts(inv) != nc)
		fail("reading the same bytes again changed the model");
	zt_inv_free(inv);
	return 0;
}
