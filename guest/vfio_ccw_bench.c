// SPDX-License-Identifier: GPL-2.0
/*
 * Memory and bind-time figures for subchannels bound to vfio_ccw.
 *
 *   vfio_ccw_bench -r ROUNDS SCH [SCH...]
 *
 * Per round: takes the subchannels off io_subchannel (driver_override set to
 * vfio_ccw so nothing rebinds), reads /proc/meminfo, binds them all to
 * vfio_ccw (timed), reads /proc/meminfo again, creates an mdev on each,
 * reads it again, removes the mdevs, unbinds them all (timed) and gives them
 * back to io_subchannel. Prints "@@BENCH name median=.. min=.. max=.. n=.. unit"
 * lines: bytes per subchannel (slab object, Slab and MemFree deltas) and
 * microseconds.
 */
#include "rig.h"

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
 */
#define MAX_CACHES 256

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
	FILE *f = fopen("/proc/slabinfo", "r");

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

	rig_prog = "vfio_ccw_bench";
	if (argc < 4 || strcmp(argv[1], "-r") || (rounds = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s -r ROUNDS SCH [SCH...]\n", argv[0]);
		return 2;
	}
	n = argc - 3;
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
		for (i = 0; i < n; i++) {
			putf("vfio_ccw", CSS "/devices/%s/driver_override", argv[3 + i]);
			put(CSS "/drivers/io_subchannel/unbind", argv[3 + i]);
		}
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
		for (i = 0; i < n; i++) {
			putf("\n", CSS "/devices/%s/driver_override", argv[3 + i]);
			put(CSS "/drivers/io_subchannel/bind", argv[3 + i]);
		}
		/* see wait_ccw_online() */
		for (i = 0; i < n; i++)
			wait_ccw_online(argv[3 + i], 30000);
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
