// SPDX-License-Identifier: GPL-2.0
/*
 * Memory and bind-time figures for subchannels bound to vfio_ccw.
 *
 *   vfio_ccw_bench -r ROUNDS SCH [SCH...]
 *   vfio_ccw_bench -a -r ROUNDS SCH [SCH...]
 *
 * Per round: takes the subchannels off io_subchannel (driver_override set to
 * vfio_ccw so nothing rebinds), reads /proc/meminfo, binds them all to
 * vfio_ccw (timed), reads /proc/meminfo again, creates an mdev on each,
 * reads it again, removes the mdevs, unbinds them all (timed) and gives them
 * back to io_subchannel. Prints "@@BENCH name median=.. min=.. max=.. n=.. unit"
 * lines: bytes per subchannel (slab object, Slab and MemFree deltas) and
 * microseconds.
 *
 * With -a, only binds and unbinds, and counts what vfio_ccw's own code
 * allocated for the bound subchannels: the guest boots with slub_debug=U
 * on the kmalloc caches and vfio_ccw's caches, and the allocation traces
 * (/sys/kernel/debug/slab/CACHE/alloc_traces) name the function that
 * allocated every live object. The objects whose allocating function is
 * vfio_ccw_* are the driver's; the rest of the growth (sysfs nodes of the
 * mdev parent registration, kworkers) is the same with or without the
 * series and is what the -r figures add on top.
 */
#include "rig.h"
#include <stdbool.h>

static void put(const char *path, const char *val)
{
	int ret = sysfs_write(val, "%s", path);

	if (ret)
		fail("writing '%s' to %s: %s", val, path, strerror(-ret));
}

static void putf(const char *val, const char *fmt, const char *sch)
{
	char path[256];

	snprintf(path, sizeof(path), fmt, sch);
	put(path, val);
}

/*
 * Bytes in allocated slab objects: active objects times object size, summed
 * over /proc/slabinfo (SLUB_DEBUG). Unlike Slab in /proc/meminfo, which
 * counts whole slab pages, this sees a few hundred bytes per subchannel.
 *
 * SLUB counts every object of a per-CPU slab as active, free or not, so a
 * cache that happens to take a fresh slab between two snapshots seems to
 * grow by a whole slab. Shrinking every cache first (/sys/kernel/slab/
 * CACHE/shrink) flushes the per-CPU slabs, and the count is then the
 * objects really allocated.
 */
#define MAX_CACHES 256
#define SLAB_SYSFS "/sys/kernel/slab"

static void shrink_slab_caches(void)
{
	DIR *d = opendir(SLAB_SYSFS);
	struct dirent *e;
	int ret;

	if (!d)
		fail("open %s: %s", SLAB_SYSFS, strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ret = sysfs_write("1", SLAB_SYSFS "/%s/shrink", e->d_name);
		if (ret)
			fail("shrinking slab cache %s: %s", e->d_name, strerror(-ret));
	}
	closedir(d);
}

struct slab_snapshot {
	int n;
	char name[MAX_CACHES][64];
	long bytes[MAX_CACHES];
};

static long slab_objects(struct slab_snapshot *snap)
{
	char line[512], name[64];
	unsigned long active, num, size;
	long total = 0;
	FILE *f;

	shrink_slab_caches();
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		fail("open /proc/slabinfo: %s", strerror(errno));
	if (snap)
		snap->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &num, &size) != 4)
			continue;
		total += (long)(active * size);
		if (snap && snap->n < MAX_CACHES) {
			snprintf(snap->name[snap->n], sizeof(snap->name[0]), "%s", name);
			snap->bytes[snap->n++] = (long)(active * size);
		}
	}
	fclose(f);
	return total;
}

/* Where the bytes of binding @n subchannels went, cache by cache. */
static void slab_breakdown(const struct slab_snapshot *a, const struct slab_snapshot *b, int n)
{
	int i, j;

	for (i = 0; i < b->n; i++)
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]) && b->bytes[i] != a->bytes[j])
				printf("@@BENCH-SLAB %s %+ld bytes per subchannel\n", b->name[i],
				       (b->bytes[i] - a->bytes[j]) / n);
}

/* Slab and MemFree from /proc/meminfo, in bytes. */
static void meminfo(long *slab, long *memfree)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	long v;

	if (!f)
		fail("open /proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			*slab = v * 1024;
		else if (sscanf(line, "MemFree: %ld kB", &v) == 1)
			*memfree = v * 1024;
	}
	fclose(f);
}

#define SLAB_DEBUGFS "/sys/kernel/debug/slab"
#define MAX_SITES 64

/* Live objects allocated by one function from one cache. */
struct alloc_site {
	char cache[64], func[96];
	long bytes;
};

struct alloc_snapshot {
	int n;
	long total;
	struct alloc_site site[MAX_SITES];
};

static long read_long(const char *fmt, const char *name)
{
	char path[256], buf[32];
	FILE *f;
	long v = -1;

	snprintf(path, sizeof(path), fmt, name);
	f = fopen(path, "r");
	if (!f)
		fail("open %s: %s", path, strerror(errno));
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	if (v <= 0)
		fail("%s: no size", path);
	return v;
}

static void add_site(struct alloc_snapshot *snap, const char *cache, const char *func, long bytes)
{
	int i;

	for (i = 0; i < snap->n; i++)
		if (!strcmp(snap->site[i].cache, cache) && !strcmp(snap->site[i].func, func))
			break;
	if (i == snap->n) {
		if (snap->n == MAX_SITES)
			fail("more than %d vfio_ccw allocation sites", MAX_SITES);
		snprintf(snap->site[i].cache, sizeof(snap->site[i].cache), "%s", cache);
		snprintf(snap->site[i].func, sizeof(snap->site[i].func), "%s", func);
		snap->site[i].bytes = 0;
		snap->n++;
	}
	snap->site[i].bytes += bytes;
	snap->total += bytes;
}

/*
 * Bytes of the live objects that a vfio_ccw_* function allocated, per
 * (cache, function). A trace line reads "COUNT FUNC+OFF/LEN age=...";
 * the indented lines after it are the stack, when there is one.
 */
static void driver_allocs(struct alloc_snapshot *snap)
{
	char path[512], line[512], func[96];
	DIR *d = opendir(SLAB_DEBUGFS);
	struct dirent *e;
	long count, objsize;
	int traced = 0;
	FILE *f;

	if (!d)
		fail("open %s: %s (boot with slub_debug=U and debugfs)", SLAB_DEBUGFS, strerror(errno));
	snap->n = 0;
	snap->total = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		objsize = read_long("/sys/kernel/slab/%s/object_size", e->d_name);
		snprintf(path, sizeof(path), SLAB_DEBUGFS "/%s/alloc_traces", e->d_name);
		f = fopen(path, "r");
		if (!f)
			fail("open %s: %s", path, strerror(errno));
		traced++;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%ld %95[^+ ]", &count, func) != 2)
				continue;
			if (!strncmp(func, "vfio_ccw", 8))
				add_site(snap, e->d_name, func, count * objsize);
		}
		fclose(f);
	}
	closedir(d);
	if (!traced)
		fail("no slab cache is traced under %s (slub_debug=U,...)", SLAB_DEBUGFS);
}

/* What binding @n subchannels added, site by site. */
static void site_breakdown(const struct alloc_snapshot *a, const struct alloc_snapshot *b, int n)
{
	int i, j;
	long before;

	for (i = 0; i < b->n; i++) {
		before = 0;
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->site[j].cache, b->site[i].cache) &&
			    !strcmp(a->site[j].func, b->site[i].func))
				before = a->site[j].bytes;
		if (b->site[i].bytes != before)
			printf("@@BENCH-SITE %s %s %+ld bytes per subchannel\n", b->site[i].func,
			       b->site[i].cache, (b->site[i].bytes - before) / n);
	}
}

static void unbind_io(int n, char **sch)
{
	int i;

	for (i = 0; i < n; i++) {
		putf("vfio_ccw", CSS "/devices/%s/driver_override", sch[i]);
		put(CSS "/drivers/io_subchannel/unbind", sch[i]);
	}
}

static void rebind_io(int n, char **sch)
{
	int i;

	for (i = 0; i < n; i++) {
		putf("\n", CSS "/devices/%s/driver_override", sch[i]);
		put(CSS "/drivers/io_subchannel/bind", sch[i]);
	}
	/* see wait_ccw_online() */
	for (i = 0; i < n; i++)
		wait_ccw_online(sch[i], 30000);
}

/* -a: the bytes vfio_ccw itself allocates per bound, idle subchannel. */
static int driver_alloc_rounds(int rounds, int n, char **sch)
{
	static struct alloc_snapshot a0, a1;
	double *per_sch = calloc(rounds, sizeof(double));
	int r, i;

	if (!per_sch)
		return 1;
	for (r = 0; r < rounds; r++) {
		unbind_io(n, sch);
		driver_allocs(&a0);
		for (i = 0; i < n; i++)
			put(CSS "/drivers/vfio_ccw/bind", sch[i]);
		driver_allocs(&a1);
		if (r == 0)
			site_breakdown(&a0, &a1, n);
		for (i = 0; i < n; i++)
			put(CSS "/drivers/vfio_ccw/unbind", sch[i]);
		rebind_io(n, sch);
		per_sch[r] = (double)(a1.total - a0.total) / n;
	}
	printf("@@BENCH-N subchannels=%d rounds=%d\n", n, rounds);
	bench_report("bytes_per_idle_subchannel_driver", per_sch, rounds, "bytes");
	return 0;
}

static void uuid_for(char *buf, size_t len, int i)
{
	snprintf(buf, len, "5ab1e000-0000-4000-8000-%012x", i);
}

int main(int argc, char **argv)
{
	int rounds, n, r, i;
	double *bind_us, *unbind_us, *slab_idle, *free_idle, *slab_mdev, t0;
	double *obj_idle, *obj_mdev;
	long s0 = 0, f0 = 0, s1 = 0, f1 = 0, s2 = 0, f2 = 0, o0, o1, o2;
	char uuid[64], path[256];
	static struct slab_snapshot snap0, snap1;
	bool alloc_sites = false;

	rig_prog = "vfio_ccw_bench";
	if (argc > 1 && !strcmp(argv[1], "-a")) {
		alloc_sites = true;
		argc--;
		argv++;
	}
	if (argc < 4 || strcmp(argv[1], "-r") || (rounds = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s [-a] -r ROUNDS SCH [SCH...]\n", argv[0]);
		return 2;
	}
	n = argc - 3;
	if (alloc_sites)
		return driver_alloc_rounds(rounds, n, argv + 3);
	bind_us = calloc(rounds, sizeof(double));
	unbind_us = calloc(rounds, sizeof(double));
	slab_idle = calloc(rounds, sizeof(double));
	free_idle = calloc(rounds, sizeof(double));
	slab_mdev = calloc(rounds, sizeof(double));
	obj_idle = calloc(rounds, sizeof(double));
	obj_mdev = calloc(rounds, sizeof(double));
	if (!bind_us || !unbind_us || !slab_idle || !free_idle || !slab_mdev ||
	    !obj_idle || !obj_mdev)
		return 1;

	for (r = 0; r < rounds; r++) {
		unbind_io(n, argv + 3);
		meminfo(&s0, &f0);
		o0 = slab_objects(&snap0);
		t0 = now_us();
		for (i = 0; i < n; i++)
			put(CSS "/drivers/vfio_ccw/bind", argv[3 + i]);
		bind_us[r] = now_us() - t0;
		meminfo(&s1, &f1);
		o1 = slab_objects(&snap1);
		if (r == 0)
			slab_breakdown(&snap0, &snap1, n);
		for (i = 0; i < n; i++) {
			uuid_for(uuid, sizeof(uuid), i);
			putf(uuid, CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/create", argv[3 + i]);
		}
		meminfo(&s2, &f2);
		o2 = slab_objects(NULL);
		for (i = 0; i < n; i++) {
			uuid_for(uuid, sizeof(uuid), i);
			snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
			put(path, "1");
		}
		t0 = now_us();
		for (i = 0; i < n; i++)
			put(CSS "/drivers/vfio_ccw/unbind", argv[3 + i]);
		unbind_us[r] = now_us() - t0;
		rebind_io(n, argv + 3);
		slab_idle[r] = (double)(s1 - s0) / n;
		free_idle[r] = (double)(f0 - f1) / n;
		slab_mdev[r] = (double)(s2 - s0) / n;
		obj_idle[r] = (double)(o1 - o0) / n;
		obj_mdev[r] = (double)(o2 - o0) / n;
	}
	printf("@@BENCH-N subchannels=%d rounds=%d\n", n, rounds);
	bench_report("bytes_per_idle_subchannel_objects", obj_idle, rounds, "bytes");
	bench_report("bytes_per_subchannel_with_mdev_objects", obj_mdev, rounds, "bytes");
	bench_report("bytes_per_idle_subchannel_slab", slab_idle, rounds, "bytes");
	bench_report("bytes_per_idle_subchannel_memfree", free_idle, rounds, "bytes");
	bench_report("bytes_per_subchannel_with_mdev_slab", slab_mdev, rounds, "bytes");
	bench_report("bind_all_to_vfio_ccw", bind_us, rounds, "us");
	bench_report("unbind_all_from_vfio_ccw", unbind_us, rounds, "us");
	return 0;
}
