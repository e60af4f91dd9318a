/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the rig's guest programs (demo, bench, stress):
 * sysfs writes, subchannel binding, mdev create/remove, opening an mdev
 * through the VFIO group API and running a SENSE ID channel program.
 */
#ifndef RIG_GUEST_H
#define RIG_GUEST_H

#define _GNU_SOURCE
#include <dirent.h>
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
#define MDEV_DEVICES "/sys/bus/mdev/devices"
#define DMA_IOVA 0x10000ULL
#define DMA_SIZE 0x1000UL

/* Format-1 CCW, ORB and SCSW bits (Principles of Operation, chapter 15). */
#define CCW_CMD_SENSE_ID 0xe4
#define CCW_CMD_READ_VQ_CONF 0x32	/* virtio-ccw */
#define CCW_FLAG_CC 0x40
#define CCW_FLAG_SLI 0x20
#define CHAIN_MAX 32	/* CCWs that fit below the data at dma + 0x100 */
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

struct rig_dev {
	const char *uuid;
	int container, group, device, io_efd, req_efd;
	uint64_t io_offset;
	uint8_t *dma;
};

static const char *rig_prog = "rig";

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", rig_prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static inline double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Write @val to the sysfs file named by @fmt; 0 or -errno. */
static int __attribute__((format(printf, 2, 3))) sysfs_write(const char *val, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int fd, ret = 0;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static inline int sysfs_read_int(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		fail("reading %s: %s", path, strerror(errno));
	close(fd);
	return atoi(buf);
}

static inline void bind_vfio(const char *sch)
{
	int ret;

	ret = sysfs_write("vfio_ccw", CSS "/devices/%s/driver_override", sch);
	if (ret)
		fail("driver_override of %s: %s", sch, strerror(-ret));
	/* Fails harmlessly when io_subchannel does not hold it. */
	sysfs_write(sch, CSS "/drivers/io_subchannel/unbind");
	ret = sysfs_write(sch, CSS "/drivers/vfio_ccw/bind");
	if (ret)
		fail("binding %s to vfio_ccw: %s", sch, strerror(-ret));
}

/*
 * Wait (bounded) until the ccw device under @sch is online (1), or time
 * out (0); wait_ccw_online() fails the program on a timeout. A subchannel
 * given back to io_subchannel must not be taken away again before that:
 * virtio_ccw sets its device online asynchronously, and in 6.1 nothing
 * stops that from running on after io_subchannel_remove() has freed the
 * subchannel's I/O private data (a NULL dereference or a write to freed
 * memory in cio_start_key()).
 */
static inline int ccw_online_within(const char *sch, int timeout_ms)
{
	double deadline = now_us() + timeout_ms * 1e3;
	char path[512];
	struct dirent *de;
	DIR *dir;

	do {
		snprintf(path, sizeof(path), CSS "/devices/%s", sch);
		dir = opendir(path);
		while (dir && (de = readdir(dir))) {
			if (strncmp(de->d_name, "0.", 2) || strlen(de->d_name) > 16)
				continue;
			snprintf(path, sizeof(path), CSS "/devices/%s/%s/online", sch, de->d_name);
			if (access(path, R_OK) == 0 && sysfs_read_int(path) == 1) {
				closedir(dir);
				return 1;
			}
		}
		if (dir)
			closedir(dir);
		usleep(2000);
	} while (now_us() < deadline);
	return 0;
}

static inline void wait_ccw_online(const char *sch, int timeout_ms)
{
	if (!ccw_online_within(sch, timeout_ms))
		fail("the ccw device under %s is not online after %d ms", sch, timeout_ms);
}

static inline void unbind_vfio(const char *sch)
{
	int ret;

	ret = sysfs_write(sch, CSS "/drivers/vfio_ccw/unbind");
	if (ret && ret != -ENODEV)
		fail("unbinding %s from vfio_ccw: %s", sch, strerror(-ret));
	sysfs_write("\n", CSS "/devices/%s/driver_override", sch);
	ret = sysfs_write(sch, CSS "/drivers/io_subchannel/bind");
	if (ret)
		fail("giving %s back to io_subchannel: %s", sch, strerror(-ret));
	wait_ccw_online(sch, 30000);
}

static inline int mdev_create(const char *sch, const char *uuid)
{
	return sysfs_write(uuid, CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/create", sch);
}

static inline int mdev_remove(const char *uuid)
{
	return sysfs_write("1", MDEV_DEVICES "/%s/remove", uuid);
}

static inline int group_number(const char *uuid)
{
	char path[256], link[256], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		fail("mdev %s has no iommu_group: %s", uuid, strerror(errno));
	link[n] = 0;
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

/* Signal eventfd @efd for the interrupts of @index (-1: none). 0 or -errno. */
static inline int vfio_set_irq(int device, unsigned int index, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(int32_t));
	return ioctl(device, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

static inline int irq_eventfd(struct rig_dev *d, unsigned int index)
{
	int efd = eventfd(0, EFD_CLOEXEC), ret;

	if (efd < 0)
		fail("eventfd: %s", strerror(errno));
	ret = vfio_set_irq(d->device, index, efd);
	if (ret)
		fail("VFIO_DEVICE_SET_IRQS(%u): %s", index, strerror(-ret));
	return efd;
}

/*
 * Open a container and the group of the mdev @uuid, put the group into the
 * container and give it the TYPE1v2 IOMMU (plain TYPE1 makes
 * vfio_pin_pages() fail: v2 is required).
 */
static inline void vfio_group_setup(const char *uuid, int *container, int *group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	*container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (*container < 0)
		fail("open /dev/vfio/vfio: %s", strerror(errno));
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_number(uuid));
	*group = open(path, O_RDWR | O_CLOEXEC);
	if (*group < 0)
		fail("open %s: %s", path, strerror(errno));
	if (ioctl(*group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		fail("group %s is not viable", path);
	if (ioctl(*group, VFIO_GROUP_SET_CONTAINER, container))
		fail("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	if (ioctl(*container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		fail("VFIO_SET_IOMMU(TYPE1v2): %s", strerror(errno));
}

/* @size bytes of fresh anonymous memory, faulted in, DMA-mapped at DMA_IOVA. */
static inline uint8_t *dma_map_at_iova(int container, size_t size)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	uint8_t *mem;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	memset(mem, 0, size);
	map.vaddr = (uintptr_t)mem;
	map.iova = DMA_IOVA;
	map.size = size;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		fail("VFIO_IOMMU_MAP_DMA: %s", strerror(errno));
	return mem;
}

/* Container + group + device fd with TYPE1v2 and one DMA-mapped page. */
static inline void vfio_open(struct rig_dev *d, const char *uuid)
{
	struct vfio_region_info region = { .argsz = sizeof(region) };

	d->uuid = uuid;
	d->io_efd = d->req_efd = -1;
	vfio_group_setup(uuid, &d->container, &d->group);
	d->dma = dma_map_at_iova(d->container, DMA_SIZE);
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
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

static inline void vfio_close(struct rig_dev *d)
{
	if (d->io_efd >= 0)
		close(d->io_efd);
	if (d->req_efd >= 0)
		close(d->req_efd);
	close(d->device);
	close(d->group);
	close(d->container);
	munmap(d->dma, DMA_SIZE);
}

/*
 * Start a channel program of @nccw command-chained CCWs: SENSE ID (7 bytes
 * in, at dma + 0x100), then virtio-ccw READ_VQ_CONF for queue 0 (index out,
 * queue size in, 4 bytes each at dma + 0x200 + 8 * i). 0 or -errno.
 */
static inline int chain_start(struct rig_dev *d, int nccw)
{
	struct ccw_io_region io = { 0 };
	struct ccw1 *ccw = (struct ccw1 *)d->dma;
	uint32_t w1 = ORB_W1_FMT | ORB_W1_PFCH | ORB_W1_C64 | ORB_W1_LPM(0xff);
	uint32_t cpa = DMA_IOVA, fctl = SCSW_W0_FCTL_START;
	int i;

	if (nccw < 1 || nccw > CHAIN_MAX)
		return -EINVAL;
	memset(d->dma + 0x100, 0, 8);
	ccw[0].cmd = CCW_CMD_SENSE_ID;
	ccw[0].flags = CCW_FLAG_SLI;
	ccw[0].count = 7;
	ccw[0].cda = DMA_IOVA + 0x100;
	for (i = 1; i < nccw; i++) {
		memset(d->dma + 0x200 + 8 * i, 0, 4);
		ccw[i - 1].flags |= CCW_FLAG_CC;
		ccw[i].cmd = CCW_CMD_READ_VQ_CONF;
		ccw[i].flags = 0;
		ccw[i].count = 4;
		ccw[i].cda = DMA_IOVA + 0x200 + 8 * i;
	}
	/* orb_area: intparm, flags word, channel program address (big endian) */
	memcpy(io.orb_area + 4, &w1, 4);
	memcpy(io.orb_area + 8, &cpa, 4);
	/* scsw_area: the function to perform; without it nothing starts */
	memcpy(io.scsw_area, &fctl, 4);
	if (pwrite(d->device, &io, sizeof(io), d->io_offset) != sizeof(io))
		return -errno;
	return 0;
}

/* Start SENSE ID; the data will land at dma + 0x100. 0 or -errno. */
static inline int sense_id_start(struct rig_dev *d)
{
	return chain_start(d, 1);
}

/* Wait (bounded) for the I/O interrupt and copy out the IRB. 0 or -errno. */
static inline int sense_id_finish(struct rig_dev *d, uint8_t irb[IRB_AREA_SIZE], int timeout_ms)
{
	struct pollfd pfd = { .fd = d->io_efd, .events = POLLIN };
	struct ccw_io_region io;
	uint64_t count;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -ETIMEDOUT;
	if (read(d->io_efd, &count, sizeof(count)) != sizeof(count))
		return -errno;
	if (pread(d->device, &io, sizeof(io), d->io_offset) != sizeof(io))
		return -errno;
	memcpy(irb, io.irb_area, IRB_AREA_SIZE);
	return 0;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* "@@BENCH name median=.. min=.. max=.. n=.. unit", read by bench/report.py */
static inline void bench_report(const char *name, double *v, int n, const char *unit)
{
	qsort(v, n, sizeof(*v), cmp_double);
	/*
	 * Three decimals: under -icount shift=0 a microsecond is 1000 guest
	 * instructions, and a target of 1.02 on ~13k instructions per channel
	 * program must not be decided by rounding to 100 of them.
	 */
	printf("@@BENCH %s median=%.3f min=%.3f max=%.3f n=%d %s\n",
	       name, v[n / 2], v[0], v[n - 1], n, unit);
}

#endif
