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
 * lines: bytes per subchannel (Slab and MemFree deltas) and microseconds.
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
	long s0 = 0, f0 = 0, s1 = 0, f1 = 0, s2 = 0, f2 = 0;
	char uuid[64], path[256];

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
	if (!bind_us || !unbind_us || !slab_idle || !free_idle || !slab_mdev)
		return 1;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			putf("vfio_ccw", CSS "/devices/%s/driver_override", argv[3 + i]);
			put(CSS "/drivers/io_subchannel/unbind", argv[3 + i]);
		}
		meminfo(&s0, &f0);
		t0 = now_us();
		for (i = 0; i < n; i++)
			put(CSS "/drivers/vfio_ccw/bind", argv[3 + i]);
		bind_us[r] = now_us() - t0;
		meminfo(&s1, &f1);
		for (i = 0; i < n; i++) {
			uuid_for(uuid, sizeof(uuid), i);
			putf(uuid, CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/create", argv[3 + i]);
		}
		meminfo(&s2, &f2);
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
	}
	printf("@@BENCH-N subchannels=%d rounds=%d\n", n, rounds);
	bench_report("bytes_per_idle_subchannel_slab", slab_idle, rounds, "bytes");
	bench_report("bytes_per_idle_subchannel_memfree", free_idle, rounds, "bytes");
	bench_report("bytes_per_subchannel_with_mdev_slab", slab_mdev, rounds, "bytes");
	bench_report("bind_all_to_vfio_ccw", bind_us, rounds, "us");
	bench_report("unbind_all_from_vfio_ccw", unbind_us, rounds, "us");
	return 0;
}
