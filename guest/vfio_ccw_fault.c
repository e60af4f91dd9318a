// SPDX-License-Identifier: GPL-2.0
/*
 * Injected allocation faults over vfio-ccw's bind, mdev create, open,
 * SET_IRQS, channel-program translation and the other region accesses.
 *
 * For each operation and n = 1, 2, ...: everything the operation needs is
 * prepared first (files and fds opened), n is written to
 * /proc/thread-self/fail-nth, exactly one syscall is made, and fail-nth is
 * read back: 0 means the n-th fault site of the syscall failed, non-zero
 * that the syscall completed without reaching site n (all sites covered).
 * After each n the errno is recorded, the operation is undone, what it
 * must not leave behind is checked, and the operation is done again
 * without a fault (it must succeed).  After each operation's loop a full
 * bind + create + open + SENSE ID must return control unit 3832, and a
 * kmemleak scan attributes a leak to the operation.
 *
 * TAP: one test per operation, "# RUN fault.NAME ..." before it, so the
 * console judge charges a kernel splat to the operation that caused it.
 *
 * Usage: vfio_ccw_fault [-s 0.0.0001] [-u UUID] [-m MAX_SITES]
 */
#include <sys/wait.h>
#include "rig.h"

#define FAULT_DMA_SIZE 0x4000UL	/* four pages: an IDAL across a boundary */
#define IRQ_TIMEOUT_MS 10000
#define BOUNDED_MS 30000
#define CCW_CMD_TIC 0x08
#define CCW_FLAG_IDA 0x04
#define MAX_SITES_DEFAULT 2000
#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static const char *sch = "0.0.0001";
static const char *uuid = "6f1e1a2c-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
static int max_sites = MAX_SITES_DEFAULT;
static int fnth = -1;		/* /proc/thread-self/fail-nth */
static int tap_n;		/* TAP results printed */
static int tap_failed;

/* One operation's loop: what it found. */
struct op_result {
	const char *name;
	int sites;		/* the n at which fail-nth was left over, minus 1 */
	int problems;
	int tolerated;		/* faults after which the op still succeeded */
	char errnos[2048];	/* run-length: "1-5 ENOMEM, 6 ok, ..." */
	int last_err, run_start, run_end;
};

static void problem(struct op_result *r, int n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct op_result *r, int n, const char *fmt, ...)
{
	va_list ap;

	r->problems++;
	printf("# PROBLEM fault.%s n=%d: ", r->name, n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ 0, "ok" }, { ENOMEM, "ENOMEM" }, { EINVAL, "EINVAL" },
	{ ENODEV, "ENODEV" }, { EIO, "EIO" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EAGAIN, "EAGAIN" }, { EEXIST, "EEXIST" },
	{ ENOSPC, "ENOSPC" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
	{ ENXIO, "ENXIO" }, { ENOENT, "ENOENT" }, { EPERM, "EPERM" },
	{ EACCES, "EACCES" }, { ENOTTY, "ENOTTY" }, { EOPNOTSUPP, "EOPNOTSUPP" },
};

static const char *errname(int err)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

static void errnos_flush(struct op_result *r)
{
	size_t len = strlen(r->errnos);
	char item[64];

	if (!r->run_start)
		return;
	if (r->run_start == r->run_end)
		snprintf(item, sizeof(item), "%s%d %s", len ? ", " : "",
			 r->run_start, errname(r->last_err));
	else
		snprintf(item, sizeof(item), "%s%d-%d %s", len ? ", " : "",
			 r->run_start, r->run_end, errname(r->last_err));
	if (len + strlen(item) + 4 < sizeof(r->errnos))
		strcat(r->errnos, item);
	else if (!strstr(r->errnos, "..."))
		strcat(r->errnos, "...");
	r->run_start = 0;
}

static void record(struct op_result *r, int n, int err)
{
	printf("# fault.%s n=%d: %s\n", r->name, n, errname(err));
	fflush(stdout);
	if (!err)
		r->tolerated++;
	if (r->run_start && err == r->last_err && n == r->run_end + 1) {
		r->run_end = n;
		return;
	}
	errnos_flush(r);
	r->run_start = r->run_end = n;
	r->last_err = err;
}

/* --- fail-nth ---------------------------------------------------------- */

static void fault_arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(fnth, buf, len, 0) != len)
		fail("writing %d to /proc/thread-self/fail-nth: %s", n, strerror(errno));
}

/* 1 if the armed fault was injected; disarms it if it was not. */
static int fault_fired(void)
{
	char buf[16] = "";
	int saved = errno;

	if (pread(fnth, buf, sizeof(buf) - 1, 0) <= 0)
		fail("reading /proc/thread-self/fail-nth: %s", strerror(errno));
	if (atoi(buf) == 0) {
		errno = saved;
		return 1;
	}
	fault_arm(0);
	errno = saved;
	return 0;
}

/* --- sysfs state ------------------------------------------------------- */

static int exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int exists(const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return access(path, F_OK) == 0;
}

/* The name of the driver @sch is bound to, "" if none. */
static const char *sch_driver(void)
{
	static char link[256];
	char path[256], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), CSS "/devices/%s/driver", sch);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "";
	link[n] = 0;
	slash = strrchr(link, '/');
	return slash ? slash + 1 : link;
}

/*
 * A sysfs write that may block in the kernel (mdev remove, unbind): done
 * by a child, waited for at most @ms.  0, -errno, or -ETIMEDOUT (the
 * child is left blocked: the caller stops).
 */
static int bounded_write(const char *val, int ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bounded_write(const char *val, int ms, const char *fmt, ...)
{
	double deadline = now_us() + ms * 1e3;
	char path[256];
	int status, ret;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		ret = sysfs_write(val, "%s", path);
		_exit(-ret);
	}
	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
		usleep(2000);
	} while (now_us() < deadline);
	printf("# writing '%s' to %s did not return in %d ms\n", val, path, ms);
	return -ETIMEDOUT;
}

static void must(int ret, const char *what)
{
	if (ret)
		fail("%s: %s", what, strerror(-ret));
}

static int do_bind(void)
{
	return sysfs_write(sch, CSS "/drivers/vfio_ccw/bind");
}

static int do_unbind(void)
{
	return bounded_write(sch, BOUNDED_MS, CSS "/drivers/vfio_ccw/unbind");
}

static int do_create(void)
{
	return mdev_create(sch, uuid);
}

static int do_remove(void)
{
	return bounded_write("1", BOUNDED_MS, MDEV_DEVICES "/%s/remove", uuid);
}

/* Check the state a failed bind must leave: unbound, no mdev parent. */
static void check_unbound(struct op_result *r, int n)
{
	if (*sch_driver())
		problem(r, n, "%s is bound to %s after the failed bind", sch, sch_driver());
	if (exists(CSS "/devices/%s/mdev_supported_types", sch))
		problem(r, n, "%s/mdev_supported_types left behind", sch);
}

static void check_bound(struct op_result *r, int n)
{
	if (strcmp(sch_driver(), "vfio_ccw"))
		problem(r, n, "%s is bound to '%s', not vfio_ccw", sch, sch_driver());
	if (!exists(CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/create", sch))
		problem(r, n, "bound, but %s has no mdev type", sch);
}

static int available_instances(void)
{
	char path[256];

	snprintf(path, sizeof(path),
		 CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/available_instances", sch);
	return sysfs_read_int(path);
}

static void check_no_mdev(struct op_result *r, int n)
{
	if (exists(MDEV_DEVICES "/%s", uuid))
		problem(r, n, "mdev %s left behind", uuid);
	if (exists(CSS "/devices/%s/%s", sch, uuid))
		problem(r, n, "mdev dir %s/%s left behind", sch, uuid);
	if (available_instances() != 1)
		problem(r, n, "available_instances is %d, not 1", available_instances());
}

/* --- VFIO -------------------------------------------------------------- */

struct vdev {
	int container, group, device, io_efd;
	uint64_t off[4];	/* region offsets: io, async, schib, crw */
	uint8_t *dma;
};

static void vdev_group(struct vdev *d)
{
	memset(d, 0, sizeof(*d));
	d->device = d->io_efd = -1;
	vfio_group_setup(uuid, &d->container, &d->group);
	d->dma = dma_map_at_iova(d->container, FAULT_DMA_SIZE);
}

/* After GET_DEVICE_FD: region offsets and the I/O eventfd. */
static void vdev_setup(struct vdev *d)
{
	struct vfio_region_info region = { .argsz = sizeof(region) };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		region.argsz = sizeof(region);
		region.index = i;
		if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &region))
			fail("VFIO_DEVICE_GET_REGION_INFO(%u): %s", i, strerror(errno));
		d->off[i] = region.offset;
	}
	d->io_efd = eventfd(0, EFD_CLOEXEC);
	if (d->io_efd < 0)
		fail("eventfd: %s", strerror(errno));
	must(vfio_set_irq(d->device, VFIO_CCW_IO_IRQ_INDEX, d->io_efd), "SET_IRQS(io)");
}

static void vdev_close_device(struct vdev *d)
{
	if (d->io_efd >= 0)
		close(d->io_efd);
	if (d->device >= 0)
		close(d->device);
	d->io_efd = d->device = -1;
}

static void vdev_close(struct vdev *d)
{
	vdev_close_device(d);
	close(d->group);
	close(d->container);
	munmap(d->dma, FAULT_DMA_SIZE);
}

static void vdev_open(struct vdev *d)
{
	vdev_group(d);
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (d->device < 0)
		fail("VFIO_GROUP_GET_DEVICE_FD: %s", strerror(errno));
	vdev_setup(d);
}

/*
 * The channel program (DMA window at DMA_IOVA, four pages):
 *   +0x000  SENSE ID, IDA|CC|SLI, 7 bytes through the IDAL at +0x400:
 *           two IDAWs, +0x1ffc and +0x2000 (the data crosses a page)
 *   +0x008  READ_VQ_CONF, CC, 4 bytes at +0x200
 *   +0x010  TIC to +0x080
 *   +0x080  READ_VQ_CONF, CC, 4 bytes at +0x208
 *   +0x088  READ_VQ_CONF, 4 bytes at +0x210
 * Translation allocates two chains, an IDAL and a page array per CCW and
 * pins three pages.
 */
static void build_program(struct vdev *d, struct ccw_io_region *io)
{
	uint32_t w1 = ORB_W1_FMT | ORB_W1_PFCH | ORB_W1_C64 | ORB_W1_LPM(0xff);
	uint32_t cpa = DMA_IOVA, fctl = SCSW_W0_FCTL_START;
	struct ccw1 *ccw = (struct ccw1 *)d->dma;
	uint64_t *idal = (uint64_t *)(d->dma + 0x400);

	memset(d->dma, 0, 0x500);
	memset(d->dma + 0x1ff0, 0, 0x20);
	ccw[0] = (struct ccw1){ CCW_CMD_SENSE_ID, CCW_FLAG_IDA | CCW_FLAG_CC | CCW_FLAG_SLI,
				7, DMA_IOVA + 0x400 };
	ccw[1] = (struct ccw1){ CCW_CMD_READ_VQ_CONF, CCW_FLAG_CC, 4, DMA_IOVA + 0x200 };
	ccw[2] = (struct ccw1){ CCW_CMD_TIC, 0, 0, DMA_IOVA + 0x80 };
	ccw[16] = (struct ccw1){ CCW_CMD_READ_VQ_CONF, CCW_FLAG_CC, 4, DMA_IOVA + 0x208 };
	ccw[17] = (struct ccw1){ CCW_CMD_READ_VQ_CONF, 0, 4, DMA_IOVA + 0x210 };
	idal[0] = DMA_IOVA + 0x1ffc;
	idal[1] = DMA_IOVA + 0x2000;
	memset(io, 0, sizeof(*io));
	memcpy(io->orb_area + 4, &w1, 4);
	memcpy(io->orb_area + 8, &cpa, 4);
	memcpy(io->scsw_area, &fctl, 4);
}

/* Wait for the interrupt of the program; "" or what is wrong with it. */
static const char *program_result(struct vdev *d)
{
	struct pollfd pfd = { .fd = d->io_efd, .events = POLLIN };
	static char why[160];
	struct ccw_io_region io;
	uint8_t id[7];
	uint64_t count;
	uint16_t num;

	if (poll(&pfd, 1, IRQ_TIMEOUT_MS) != 1)
		return "no I/O interrupt in 10 s";
	if (read(d->io_efd, &count, sizeof(count)) != sizeof(count))
		return "reading the I/O eventfd failed";
	if (pread(d->device, &io, sizeof(io), d->off[0]) != sizeof(io))
		return "reading the I/O region failed";
	memcpy(id, d->dma + 0x1ffc, 4);
	memcpy(id + 4, d->dma + 0x2000, 3);
	memcpy(&num, d->dma + 0x212, 2);
	if (io.irb_area[8] != DEV_STAT_CE_DE || io.irb_area[9]) {
		snprintf(why, sizeof(why), "device status 0x%02x, channel status 0x%02x",
			 io.irb_area[8], io.irb_area[9]);
		return why;
	}
	if (id[0] != 0xff || id[1] != 0x38 || id[2] != 0x32) {
		snprintf(why, sizeof(why), "SENSE ID across the IDAL: %02x %02x%02x %02x, not ff 3832",
			 id[0], id[1], id[2], id[3]);
		return why;
	}
	if (!num)
		return "READ_VQ_CONF behind the TIC returned queue size 0";
	return "";
}

/* Run the program without a fault: "" or what went wrong. */
static const char *program_run(struct vdev *d)
{
	static char why[160];
	struct ccw_io_region io;

	build_program(d, &io);
	if (pwrite(d->device, &io, sizeof(io), d->off[0]) != sizeof(io)) {
		snprintf(why, sizeof(why), "starting the program: %s", strerror(errno));
		return why;
	}
	return program_result(d);
}

/* Plain SENSE ID through rig.h, from a fresh open: the CU type, or -errno. */
static int sense_id_cu(struct vdev *d)
{
	struct rig_dev rd = { .device = d->device, .io_efd = d->io_efd,
			      .io_offset = d->off[0], .dma = d->dma };
	uint8_t irb[IRB_AREA_SIZE] = { 0 };
	int ret;

	ret = sense_id_start(&rd);
	if (!ret)
		ret = sense_id_finish(&rd, irb, IRQ_TIMEOUT_MS);
	if (ret)
		return ret;
	if (irb[8] != DEV_STAT_CE_DE)
		return -EIO;
	return (d->dma[0x101] << 8) | d->dma[0x102];
}

/* --- the end-of-loop check and the leak scan ---------------------------- */

/* From whatever state: unbound; then bind + create + open + SENSE ID. */
static void full_check(struct op_result *r)
{
	struct vdev d;
	int cu, ret;

	if (exists(MDEV_DEVICES "/%s", uuid) && do_remove())
		problem(r, 0, "removing the mdev for the full check failed");
	if (*sch_driver() && do_unbind())
		problem(r, 0, "unbinding for the full check failed");
	ret = do_bind();
	if (ret) {
		problem(r, 0, "full check: bind failed: %s", strerror(-ret));
		return;
	}
	ret = do_create();
	if (ret) {
		problem(r, 0, "full check: create failed: %s", strerror(-ret));
		return;
	}
	vdev_open(&d);
	cu = sense_id_cu(&d);
	if (cu != 0x3832)
		problem(r, 0, "full check: SENSE ID gave %s%x, not CU type 3832",
			cu < 0 ? "error -" : "", cu < 0 ? -cu : cu);
	else
		printf("# fault.%s: full check: bind, create, open, SENSE ID: CU type %04x\n",
		       r->name, cu);
	vdev_close(&d);
	if (do_remove())
		problem(r, 0, "full check: remove failed");
	if (do_unbind())
		problem(r, 0, "full check: unbind failed");
}

static void leak_scan(struct op_result *r)
{
	char buf[4096];
	ssize_t len;
	int fd, found = 0;

	if (access(KMEMLEAK, W_OK))
		return;
	sleep(6);	/* kmemleak reports only objects older than 5 s */
	sysfs_write("scan", KMEMLEAK);
	sysfs_write("scan", KMEMLEAK);	/* see guest/init: one scan misses */
	fd = open(KMEMLEAK, O_RDONLY);
	if (fd < 0)
		return;
	while ((len = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[len] = 0;
		if (!found)
			printf("# fault.%s: kmemleak report after the loop:\n", r->name);
		found = 1;
		fputs(buf, stdout);
	}
	close(fd);
	if (found) {
		problem(r, 0, "kmemleak found leaks after this operation's loop");
		sysfs_write("clear", KMEMLEAK);
	} else {
		printf("# fault.%s: kmemleak: no leaks\n", r->name);
	}
}

static void op_begin(struct op_result *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	printf("# RUN fault.%s ...\n", name);
	fflush(stdout);
}

static void op_end(struct op_result *r, int check)
{
	errnos_flush(r);
	if (r->sites >= max_sites)
		problem(r, 0, "stopped at %d sites without covering all", max_sites);
	if (check)
		full_check(r);
	leak_scan(r);
	printf("# fault.%s: %d sites, errnos per n: %s%s\n", r->name, r->sites,
	       r->errnos[0] ? r->errnos : "none",
	       r->tolerated ? " (ok = the fault was tolerated)" : "");
	tap_n++;
	if (r->problems)
		tap_failed++;
	printf("# fault.%s: %d sites, %d problem(s), %d tolerated, subchannel %s\n",
	       r->name, r->sites, r->problems, r->tolerated,
	       r->problems ? "see PROBLEM lines" : "usable");
	printf("%s %d fault.%s\n", r->problems ? "not ok" : "ok", tap_n, r->name);
	fflush(stdout);
}

/* --- the operations ----------------------------------------------------- */

static void op_bind(void)
{
	struct op_result r;
	int n, fd, ret, fired;

	op_begin(&r, "bind");
	for (n = 1; n <= max_sites; n++) {
		fd = open(CSS "/drivers/vfio_ccw/bind", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			fail("open vfio_ccw/bind: %s", strerror(errno));
		fault_arm(n);
		ret = write(fd, sch, strlen(sch)) < 0 ? errno : 0;
		fired = fault_fired();
		close(fd);
		if (!fired) {
			if (ret)
				problem(&r, n, "bind without a fault failed: %s", strerror(ret));
			check_bound(&r, n);
			break;
		}
		r.sites = n;
		record(&r, n, ret);
		if (ret)
			check_unbound(&r, n);
		else
			check_bound(&r, n);
		if (*sch_driver() && do_unbind())
			problem(&r, n, "unbind failed");
		/* done again without a fault */
		ret = do_bind();
		if (ret)
			problem(&r, n, "bind after the fault failed: %s", strerror(-ret));
		check_bound(&r, n);
		if (do_unbind())
			problem(&r, n, "unbind after the re-bind failed");
		if (r.problems > 20)
			break;
	}
	if (*sch_driver() && do_unbind())
		problem(&r, n, "unbind failed");
	op_end(&r, 1);
}

static void op_create(void)
{
	struct op_result r;
	int n, fd, ret, fired;

	op_begin(&r, "create");
	must(do_bind(), "bind");
	for (n = 1; n <= max_sites; n++) {
		char path[256];

		snprintf(path, sizeof(path),
			 CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/create", sch);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			fail("open %s: %s", path, strerror(errno));
		fault_arm(n);
		ret = write(fd, uuid, strlen(uuid)) < 0 ? errno : 0;
		fired = fault_fired();
		close(fd);
		if (!fired) {
			if (ret)
				problem(&r, n, "create without a fault failed: %s", strerror(ret));
			if (do_remove())
				problem(&r, n, "remove failed");
			break;
		}
		r.sites = n;
		record(&r, n, ret);
		if (ret) {
			check_no_mdev(&r, n);
		} else {
			if (!exists(MDEV_DEVICES "/%s", uuid))
				problem(&r, n, "create succeeded but no mdev %s", uuid);
			if (do_remove())
				problem(&r, n, "remove of the mdev created under a fault failed");
		}
		ret = do_create();
		if (ret)
			problem(&r, n, "create after the fault failed: %s", strerror(-ret));
		else if (do_remove())
			problem(&r, n, "remove after the re-create failed");
		check_no_mdev(&r, n);
		if (available_instances() != 1) {
			/* a new parent registration resets the count */
			printf("# fault.%s n=%d: rebinding %s to cover the sites after this one\n",
			       r.name, n, sch);
			if (do_unbind() || do_bind())
				fail("rebinding %s failed", sch);
		}
		if (r.problems > 20)
			break;
	}
	op_end(&r, 1);
}

static void op_open(void)
{
	struct op_result r;
	int n, ret, fired, cu;
	struct vdev d;

	op_begin(&r, "open");
	must(do_bind(), "bind");
	must(do_create(), "create");
	vdev_group(&d);
	for (n = 1; n <= max_sites; n++) {
		fault_arm(n);
		d.device = ioctl(d.group, VFIO_GROUP_GET_DEVICE_FD, uuid);
		ret = d.device < 0 ? errno : 0;
		fired = fault_fired();
		if (!fired) {
			if (ret)
				problem(&r, n, "open without a fault failed: %s", strerror(ret));
			vdev_close_device(&d);
			break;
		}
		r.sites = n;
		record(&r, n, ret);
		vdev_close_device(&d);
		/* done again without a fault, and a SENSE ID through it */
		d.device = ioctl(d.group, VFIO_GROUP_GET_DEVICE_FD, uuid);
		if (d.device < 0) {
			problem(&r, n, "open after the fault failed: %s", strerror(errno));
			continue;
		}
		vdev_setup(&d);
		cu = sense_id_cu(&d);
		if (cu != 0x3832)
			problem(&r, n, "SENSE ID after the fault: %d", cu);
		vdev_close_device(&d);
		if (r.problems > 20)
			break;
	}
	vdev_close(&d);
	if (do_remove())
		problem(&r, n, "remove after the open loop failed (open count leaked?)");
	op_end(&r, 1);
}

static void op_set_irqs(unsigned int index, const char *name)
{
	struct op_result r;
	int n, ret, fired, efd;
	struct vdev d;

	op_begin(&r, name);
	must(do_bind(), "bind");
	must(do_create(), "create");
	vdev_open(&d);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		fail("eventfd: %s", strerror(errno));
	for (n = 1; n <= max_sites; n++) {
		char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
		struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
		int fd = index == VFIO_CCW_IO_IRQ_INDEX ? d.io_efd : efd;

		set->argsz = sizeof(buf);
		set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
		set->index = index;
		set->start = 0;
		set->count = 1;
		memcpy(set->data, &fd, sizeof(int32_t));
		fault_arm(n);
		ret = ioctl(d.device, VFIO_DEVICE_SET_IRQS, set) ? errno : 0;
		fired = fault_fired();
		if (!fired) {
			if (ret)
				problem(&r, n, "SET_IRQS without a fault failed: %s", strerror(ret));
			break;
		}
		r.sites = n;
		record(&r, n, ret);
		if (vfio_set_irq(d.device, index, fd))
			problem(&r, n, "SET_IRQS after the fault failed");
		if (r.problems > 20)
			break;
	}
	/* the I/O trigger must still deliver */
	if (sense_id_cu(&d) != 0x3832)
		problem(&r, n, "SENSE ID after the SET_IRQS loop failed");
	close(efd);
	vdev_close(&d);
	if (do_remove())
		problem(&r, n, "remove failed");
	op_end(&r, 1);
}

static void op_translate(void)
{
	struct ccw_io_region io;
	struct op_result r;
	int n, ret, fired;
	const char *why;
	struct vdev d;

	op_begin(&r, "translate");
	must(do_bind(), "bind");
	must(do_create(), "create");
	vdev_open(&d);
	why = program_run(&d);
	if (*why)
		problem(&r, 0, "the program without a fault: %s", why);
	for (n = 1; n <= max_sites; n++) {
		build_program(&d, &io);
		fault_arm(n);
		ret = pwrite(d.device, &io, sizeof(io), d.off[0]) < 0 ? errno : 0;
		fired = fault_fired();
		why = ret ? "" : program_result(&d);
		if (!fired) {
			if (ret)
				problem(&r, n, "the program without a fault failed: %s", strerror(ret));
			else if (*why)
				problem(&r, n, "the program without a fault: %s", why);
			break;
		}
		r.sites = n;
		record(&r, n, ret);
		if (*why)
			problem(&r, n, "started despite the fault, but: %s", why);
		if (ret) {
			/* a failed start must not raise an interrupt */
			struct pollfd pfd = { .fd = d.io_efd, .events = POLLIN };

			if (poll(&pfd, 1, 0) == 1)
				problem(&r, n, "an interrupt after a start that failed");
		}
		why = program_run(&d);
		if (*why)
			problem(&r, n, "the program after the fault: %s", why);
		if (r.problems > 20)
			break;
	}
	vdev_close(&d);
	if (do_remove())
		problem(&r, n, "remove failed");
	op_end(&r, 1);
}

/*
 * The other accesses of an open device, each with its own loop:
 * region info with capabilities, the async region (CSCH), the schib and
 * CRW regions, device and IRQ info, reset.
 */
enum misc { REGION_INFO, ASYNC_CSCH, SCHIB_READ, CRW_READ, DEVICE_INFO, RESET, NR_MISC };
static const char *const misc_name[] = {
	"region_info", "async_csch", "schib_read", "crw_read", "device_info", "reset",
};

static int misc_call(struct vdev *d, enum misc what, int arg)
{
	char info_buf[sizeof(struct vfio_region_info) + 256];
	struct vfio_region_info *info = (struct vfio_region_info *)info_buf;
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct ccw_cmd_region cmd = { .command = VFIO_CCW_ASYNC_CMD_CSCH };
	struct ccw_schib_region schib;
	struct ccw_crw_region crw;

	switch (what) {
	case REGION_INFO:
		memset(info_buf, 0, sizeof(info_buf));
		info->argsz = sizeof(info_buf);
		info->index = arg;
		return ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, info) ? -errno : 0;
	case ASYNC_CSCH:
		return pwrite(d->device, &cmd, sizeof(cmd), d->off[1]) < 0 ? -errno : 0;
	case SCHIB_READ:
		return pread(d->device, &schib, sizeof(schib), d->off[2]) < 0 ? -errno : 0;
	case CRW_READ:
		return pread(d->device, &crw, sizeof(crw), d->off[3]) < 0 ? -errno : 0;
	case DEVICE_INFO:
		return ioctl(d->device, VFIO_DEVICE_GET_INFO, &dinfo) ? -errno : 0;
	case RESET:
		return ioctl(d->device, VFIO_DEVICE_RESET) ? -errno : 0;
	default:
		return -EINVAL;
	}
}

/* After a CSCH: its interrupt, drained (bounded). */
static void drain_irq(struct vdev *d)
{
	struct pollfd pfd = { .fd = d->io_efd, .events = POLLIN };
	uint64_t count;

	if (poll(&pfd, 1, IRQ_TIMEOUT_MS) == 1)
		(void)!read(d->io_efd, &count, sizeof(count));
}

static void op_misc(enum misc what)
{
	int n, ret, fired, arg, nargs = what == REGION_INFO ? 3 : 1;
	struct op_result r;
	char name[32];
	struct vdev d;

	snprintf(name, sizeof(name), "%s", misc_name[what]);
	op_begin(&r, strdup(name));
	must(do_bind(), "bind");
	must(do_create(), "create");
	vdev_open(&d);
	for (arg = 1; arg <= nargs; arg++) {
		for (n = 1; n <= max_sites; n++) {
			fault_arm(n);
			ret = -misc_call(&d, what, arg);
			fired = fault_fired();
			if (what == ASYNC_CSCH && !ret)
				drain_irq(&d);
			if (!fired) {
				if (ret)
					problem(&r, n, "%s without a fault failed: %s",
						name, strerror(ret));
				break;
			}
			r.sites++;
			record(&r, r.sites, ret);
			ret = misc_call(&d, what, arg);
			if (what == ASYNC_CSCH && !ret)
				drain_irq(&d);
			if (ret)
				problem(&r, n, "%s after the fault failed: %s", name, strerror(-ret));
			if (r.problems > 20)
				break;
		}
	}
	/* the device still runs the program */
	{
		const char *why = program_run(&d);

		if (*why)
			problem(&r, 0, "the program after the %s loop: %s", name, why);
	}
	vdev_close(&d);
	if (do_remove())
		problem(&r, 0, "remove failed");
	op_end(&r, 1);
}

/* fail-nth itself: a pipe() fails at site 1, getppid() reaches none. */
static void canary(void)
{
	int fds[2], ret, err, fired_pipe, fired_none;

	printf("# RUN fault.canary ...\n");
	fault_arm(1);
	ret = pipe(fds);
	err = errno;
	fired_pipe = fault_fired();
	if (!ret) {
		close(fds[0]);
		close(fds[1]);
	}
	fault_arm(1);
	getppid();
	fired_none = fault_fired();
	tap_n++;
	if (fired_pipe && ret && !fired_none) {
		printf("# fail-nth: pipe() failed at site 1 (%s), getppid() reached none\n",
		       strerror(err));
		printf("ok %d fault.canary\n", tap_n);
	} else {
		tap_failed++;
		printf("# fail-nth does not work: pipe() fired=%d ret=%d, getppid() fired=%d\n",
		       fired_pipe, ret, fired_none);
		printf("not ok %d fault.canary\n", tap_n);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int opt, i;

	rig_prog = "vfio_ccw_fault";
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "s:u:m:o:")) != -1) {
		switch (opt) {
		case 's':
			sch = optarg;
			break;
		case 'u':
			uuid = optarg;
			break;
		case 'm':
			max_sites = atoi(optarg);
			break;
		case 'o':
			only = optarg;
			break;
		default:
			fail("usage: vfio_ccw_fault [-s SCH] [-u UUID] [-m MAX_SITES] [-o OP,...]");
		}
	}
	fnth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fnth < 0)
		fail("open /proc/thread-self/fail-nth: %s (CONFIG_FAULT_INJECTION?)",
		     strerror(errno));

#define WANT(x) (!only || strstr(only, x))
	printf("1..%d\n", 1 + (WANT("bind") > 0) + (WANT("create") > 0) + (WANT("open") > 0) +
	       3 * (WANT("set_irqs") > 0) + (WANT("translate") > 0) +
	       (only ? 0 : NR_MISC));
	canary();

	/* from io_subchannel to unbound, driver_override set */
	must(sysfs_write("vfio_ccw", CSS "/devices/%s/driver_override", sch), "driver_override");
	if (!strcmp(sch_driver(), "io_subchannel"))
		must(bounded_write(sch, BOUNDED_MS, CSS "/drivers/io_subchannel/unbind"),
		     "unbind from io_subchannel");
	if (*sch_driver())
		fail("%s is still bound to %s", sch, sch_driver());

	if (WANT("bind"))
		op_bind();
	if (WANT("create"))
		op_create();
	if (WANT("open"))
		op_open();
	if (WANT("set_irqs")) {
		op_set_irqs(VFIO_CCW_IO_IRQ_INDEX, "set_irqs_io");
		op_set_irqs(VFIO_CCW_CRW_IRQ_INDEX, "set_irqs_crw");
		op_set_irqs(VFIO_CCW_REQ_IRQ_INDEX, "set_irqs_req");
	}
	if (WANT("translate"))
		op_translate();
	for (i = 0; !only && i < NR_MISC; i++)
		op_misc(i);

	/* back to io_subchannel, ccw device online */
	if (*sch_driver())
		must(do_unbind(), "unbind");
	unbind_vfio(sch);
	printf("# %d of %d operations passed\n", tap_n - tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}
