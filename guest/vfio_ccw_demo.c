// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw passthrough demo and micro-benchmark for the rig's s390x guest.
 *
 * Binds an I/O subchannel to vfio_ccw, creates an mdev, opens it through the
 * VFIO API, runs SENSE ID channel programs and prints what came back, then
 * tears everything down and gives the subchannel back to io_subchannel.
 *
 *   vfio_ccw_demo [-s 0.0.0001] [-n ROUNDS] [-l LOOPS]
 *
 * -n: SENSE ID round trips to time (default 200).
 * -l: mdev create+remove and open+close cycles to time (default 20).
 * Figures are printed as "@@BENCH name value unit" lines for bench/ to collect.
 * Exit status: 0 when the SENSE ID data is what a virtio-ccw device returns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>

#define CSS "/sys/bus/css"
#define MDEV_UUID "6b1c2b3a-0c4d-4e5f-8a9b-0c1d2e3f4a5b"
#define DMA_IOVA 0x10000ULL
#define DMA_SIZE 0x1000UL
#define IRQ_TIMEOUT_MS 5000

/* Format-1 CCW and ORB bits (Principles of Operation, chapter 15). */
#define CCW_CMD_SENSE_ID 0xe4
#define CCW_FLAG_SLI 0x20
#define ORB_W1_FMT (1u << 23)
#define ORB_W1_PFCH (1u << 22)
#define ORB_W1_C64 (1u << 17)
#define ORB_W1_LPM(m) ((uint32_t)(m) << 8)
#define SCSW_W0_FCTL_START (1u << 14)
#define DEV_STAT_CE_DE 0x0c

struct ccw1 {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
} __attribute__((packed, aligned(8)));

struct demo {
	const char *sch;
	int container, group, device, io_efd;
	uint64_t io_offset;
	uint8_t *dma;
};

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "vfio_ccw_demo: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int sysfs_write(const char *val, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static void must_write(const char *val, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	ret = sysfs_write(val, "%s", path);
	if (ret)
		fail("writing '%s' to %s: %s", val, path, strerror(-ret));
}

static int sysfs_read_int(const char *fmt, ...)
{
	char path[256], buf[32] = "";
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		fail("reading %s: %s", path, strerror(errno));
	close(fd);
	return atoi(buf);
}

static void bind_vfio(const char *sch)
{
	must_write("vfio_ccw", CSS "/devices/%s/driver_override", sch);
	if (access(CSS "/devices/", F_OK))
		fail("no css bus in sysfs");
	/* Unbinding fails harmlessly when nothing is bound. */
	sysfs_write(sch, CSS "/drivers/io_subchannel/unbind");
	must_write(sch, CSS "/drivers/vfio_ccw/bind");
}

static void unbind_vfio(const char *sch)
{
	must_write(sch, CSS "/drivers/vfio_ccw/unbind");
	must_write("\n", CSS "/devices/%s/driver_override", sch);
	must_write(sch, CSS "/drivers/io_subchannel/bind");
}

static void mdev_create(const char *sch)
{
	must_write(MDEV_UUID, CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/create", sch);
}

static void mdev_remove(void)
{
	must_write("1", "/sys/bus/mdev/devices/" MDEV_UUID "/remove");
}

static int group_number(void)
{
	char link[256];
	ssize_t n;
	char *slash;

	n = readlink("/sys/bus/mdev/devices/" MDEV_UUID "/iommu_group", link, sizeof(link) - 1);
	if (n < 0)
		fail("mdev has no iommu_group: %s", strerror(errno));
	link[n] = 0;
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

static void vfio_open(struct demo *d)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_region_info region = { .argsz = sizeof(region) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	char path[64];

	d->container = open("/dev/vfio/vfio", O_RDWR);
	if (d->container < 0)
		fail("open /dev/vfio/vfio: %s", strerror(errno));
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_number());
	d->group = open(path, O_RDWR);
	if (d->group < 0)
		fail("open %s: %s", path, strerror(errno));
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		fail("group %s is not viable", path);
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		fail("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	/* Plain TYPE1 lets vfio_pin_pages() fail: v2 is required. */
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		fail("VFIO_SET_IOMMU(TYPE1v2): %s", strerror(errno));

	d->dma = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->dma == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	map.vaddr = (uintptr_t)d->dma;
	map.iova = DMA_IOVA;
	map.size = DMA_SIZE;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map))
		fail("VFIO_IOMMU_MAP_DMA: %s", strerror(errno));

	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, MDEV_UUID);
	if (d->device < 0)
		fail("VFIO_GROUP_GET_DEVICE_FD: %s", strerror(errno));
	region.index = VFIO_CCW_CONFIG_REGION_INDEX;
	if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &region))
		fail("VFIO_DEVICE_GET_REGION_INFO: %s", strerror(errno));
	if (region.size != sizeof(struct ccw_io_region))
		fail("I/O region is %llu bytes, uapi says %zu",
		     (unsigned long long)region.size, sizeof(struct ccw_io_region));
	d->io_offset = region.offset;
}

static void irq_set(struct demo *d)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	d->io_efd = eventfd(0, EFD_CLOEXEC);
	if (d->io_efd < 0)
		fail("eventfd: %s", strerror(errno));
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_CCW_IO_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &d->io_efd, sizeof(int32_t));
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, set))
		fail("VFIO_DEVICE_SET_IRQS: %s", strerror(errno));
}

static void vfio_close(struct demo *d)
{
	close(d->io_efd);
	close(d->device);
	close(d->group);
	close(d->container);
	munmap(d->dma, DMA_SIZE);
}

/* Run one SENSE ID and return the IRB; the data lands at dma + 0x100. */
static void sense_id(struct demo *d, uint8_t irb[IRB_AREA_SIZE])
{
	struct ccw_io_region io = { 0 };
	struct ccw1 *ccw = (struct ccw1 *)d->dma;
	uint32_t w1 = ORB_W1_FMT | ORB_W1_PFCH | ORB_W1_C64 | ORB_W1_LPM(0xff);
	uint32_t cpa = DMA_IOVA, fctl = SCSW_W0_FCTL_START;
	struct pollfd pfd = { .fd = d->io_efd, .events = POLLIN };
	uint64_t count;
	int ret;

	memset(d->dma + 0x100, 0, 8);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_SLI;
	ccw->count = 7;
	ccw->cda = DMA_IOVA + 0x100;
	/* orb_area: intparm, flags word, channel program address (big endian) */
	memcpy(io.orb_area + 4, &w1, 4);
	memcpy(io.orb_area + 8, &cpa, 4);
	/* scsw_area: the function to perform; without it nothing starts */
	memcpy(io.scsw_area, &fctl, 4);
	if (pwrite(d->device, &io, sizeof(io), d->io_offset) != sizeof(io))
		fail("start I/O (write I/O region): %s", strerror(errno));
	ret = poll(&pfd, 1, IRQ_TIMEOUT_MS);
	if (ret != 1) {
		if (pread(d->device, &io, sizeof(io), d->io_offset) == sizeof(io))
			fprintf(stderr, "vfio_ccw_demo: I/O region after timeout: ret_code %d, scsw %08x %08x %08x\n",
				(int)io.ret_code, *(uint32_t *)io.irb_area,
				*(uint32_t *)(io.irb_area + 4), *(uint32_t *)(io.irb_area + 8));
		fail("no I/O interrupt within %d ms", IRQ_TIMEOUT_MS);
	}
	if (read(d->io_efd, &count, sizeof(count)) != sizeof(count))
		fail("read eventfd: %s", strerror(errno));
	if (pread(d->device, &io, sizeof(io), d->io_offset) != sizeof(io))
		fail("read I/O region: %s", strerror(errno));
	memcpy(irb, io.irb_area, IRB_AREA_SIZE);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	printf("@@BENCH %s median=%.1f min=%.1f max=%.1f n=%d us\n",
	       name, v[n / 2], v[0], v[n - 1], n);
}

int main(int argc, char **argv)
{
	struct demo d = { .sch = "0.0.0000" };
	int rounds = 200, loops = 20, opt, i, ok;
	uint8_t irb[IRB_AREA_SIZE], *id;
	double *t, t0;

	while ((opt = getopt(argc, argv, "s:n:l:")) != -1) {
		switch (opt) {
		case 's': d.sch = optarg; break;
		case 'n': rounds = atoi(optarg); break;
		case 'l': loops = atoi(optarg); break;
		default: fail("usage: %s [-s SCH] [-n ROUNDS] [-l LOOPS]", argv[0]);
		}
	}
	if (rounds < 1 || loops < 1)
		fail("-n and -l take a positive count");
	t = calloc(rounds > loops ? rounds : loops, sizeof(*t));
	if (!t)
		fail("out of memory");

	bind_vfio(d.sch);
	printf("subchannel %s bound to vfio_ccw\n", d.sch);

	for (i = 0; i < loops; i++) {
		t0 = now_us();
		mdev_create(d.sch);
		mdev_remove();
		t[i] = now_us() - t0;
	}
	report("mdev_create_remove", t, loops);

	mdev_create(d.sch);
	printf("mdev %s created, available_instances now %d\n", MDEV_UUID,
	       sysfs_read_int(CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/available_instances", d.sch));

	for (i = 0; i < loops; i++) {
		t0 = now_us();
		vfio_open(&d);
		close(d.device);
		close(d.group);
		close(d.container);
		munmap(d.dma, DMA_SIZE);
		t[i] = now_us() - t0;
	}
	report("open_close", t, loops);

	vfio_open(&d);
	irq_set(&d);
	sense_id(&d, irb);
	id = d.dma + 0x100;
	printf("SENSE ID: device status 0x%02x, subchannel status 0x%02x, residual %u\n",
	       irb[8], irb[9], (irb[10] << 8) | irb[11]);
	printf("SENSE ID: data %02x %02x%02x %02x %02x%02x %02x -> control unit %02x%02x model %02x, device type %02x%02x model %02x\n",
	       id[0], id[1], id[2], id[3], id[4], id[5], id[6],
	       id[1], id[2], id[3], id[4], id[5], id[6]);
	ok = irb[8] == DEV_STAT_CE_DE && irb[9] == 0 && id[0] == 0xff &&
	     id[1] == 0x38 && id[2] == 0x32;

	for (i = 0; i < rounds; i++) {
		t0 = now_us();
		sense_id(&d, irb);
		t[i] = now_us() - t0;
		if (irb[8] != DEV_STAT_CE_DE)
			fail("SENSE ID %d: device status 0x%02x", i, irb[8]);
	}
	report("sense_id_round_trip", t, rounds);
	printf("SENSE ID round trip: median %.0f us over %d runs\n", t[rounds / 2], rounds);

	vfio_close(&d);
	mdev_remove();
	unbind_vfio(d.sch);
	printf("torn down: mdev removed, %s back on io_subchannel\n", d.sch);
	printf("@@DEMO %s\n", ok ? "PASS" : "FAIL");
	free(t);
	return ok ? 0 : 1;
}
