// SPDX-License-Identifier: GPL-2.0
/*
 * Race vfio-ccw teardown against css events, ITER times in a row.
 *
 *   vfio_ccw_stress -n ITER -s SCH [-p CHP]
 *
 * Each iteration binds SCH to vfio_ccw, creates an mdev, opens it and runs
 * SENSE ID while a second thread fires css events at the subchannel: channel
 * path vary off/on (chp_event) and css rescans (sch_event). Then it tears the
 * device down one of four ways, still under events:
 *   0  close, remove the mdev, unbind              (orderly)
 *   1  remove the mdev while the fd is open        (request eventfd, close)
 *   2  unbind the subchannel while the fd is open  (request eventfd, close)
 *   3  remove the mdev with a channel program in flight
 * Every 10th iteration ends with a quiet SENSE ID that must succeed: the
 * subchannel must still work after the storm. I/O errors while a path is
 * varied off are expected and counted; a hang (every wait is bounded), a
 * failed teardown or a broken subchannel fails the run. Kernel splats are
 * caught by the host side (scripts/qemu-run.py).
 */
#include "rig.h"
#include <pthread.h>

#define UUID "57e55000-0000-4000-8000-000000000001"
#define WAIT_MS 10000
#define EVENTS_MAX 400	/* per iteration, so the event thread always stops */

static const char *sch, *chp = "0.00";
static volatile int stop_events;
static long events_fired, io_errors;

static void *event_storm(void *arg)
{
	char path[128];
	int n;

	snprintf(path, sizeof(path), "/sys/devices/css0/chp%s/status", chp);
	for (n = 0; n < EVENTS_MAX && !stop_events; n++) {
		switch (n % 3) {
		case 0: sysfs_write("off", "%s", path); break;
		case 1: sysfs_write("on", "%s", path); break;
		case 2: sysfs_write("1", "/sys/devices/css0/rescan"); break;
		}
		__atomic_add_fetch(&events_fired, 1, __ATOMIC_RELAXED);
		usleep(500 + (n * 37) % 1500);
	}
	sysfs_write("on", "%s", path);
	return NULL;
}

struct teardown {
	int op;		/* 1: remove mdev, 2: unbind subchannel */
	int ret;
	volatile int done;
};

static void *teardown_thread(void *arg)
{
	struct teardown *t = arg;

	if (t->op == 1)
		t->ret = mdev_remove(UUID);
	else
		t->ret = sysfs_write(sch, CSS "/drivers/vfio_ccw/unbind");
	t->done = 1;
	return NULL;
}

/* Run one SENSE ID; I/O errors are expected while paths are varied off. */
static void try_sense_id(struct rig_dev *d)
{
	uint8_t irb[IRB_AREA_SIZE];

	if (sense_id_start(d) || sense_id_finish(d, irb, 2000))
		__atomic_add_fetch(&io_errors, 1, __ATOMIC_RELAXED);
}

static int wait_fd(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 ? 0 : -ETIMEDOUT;
}

static void join_bounded(pthread_t th, struct teardown *t, const char *what, int iter)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_MS / 1000;
	if (pthread_timedjoin_np(th, NULL, &ts))
		fail("iteration %d: %s did not finish within %d ms", iter, what, WAIT_MS);
	if (t->ret)
		fail("iteration %d: %s: %s", iter, what, strerror(-t->ret));
}

/* Tear down while the fd is open: the vfio core asks for the device back. */
static void teardown_open(struct rig_dev *d, int op, int iter, int io_in_flight)
{
	struct teardown t = { .op = op };
	pthread_t th;

	if (io_in_flight)
		sense_id_start(d);
	if (pthread_create(&th, NULL, teardown_thread, &t))
		fail("pthread_create");
	if (wait_fd(d->req_efd, WAIT_MS))
		fail("iteration %d: no device request within %d ms", iter, WAIT_MS);
	vfio_close(d);
	join_bounded(th, &t, op == 1 ? "mdev remove" : "unbind", iter);
}

static void quiet_check(int iter)
{
	uint8_t irb[IRB_AREA_SIZE] = { 0 };
	struct rig_dev d;
	int ret;

	bind_vfio(sch);
	if ((ret = mdev_create(sch, UUID)))
		fail("iteration %d: quiet mdev create: %s", iter, strerror(-ret));
	vfio_open(&d, UUID);
	d.io_efd = irq_eventfd(&d, VFIO_CCW_IO_IRQ_INDEX);
	if ((ret = sense_id_start(&d)) || (ret = sense_id_finish(&d, irb, WAIT_MS)))
		fail("iteration %d: SENSE ID after the storm: %s", iter, strerror(-ret));
	if (irb[8] != DEV_STAT_CE_DE || d.dma[0x101] != 0x38)
		fail("iteration %d: SENSE ID after the storm: status %02x data %02x", iter, irb[8], d.dma[0x101]);
	vfio_close(&d);
	if ((ret = mdev_remove(UUID)))
		fail("iteration %d: quiet mdev remove: %s", iter, strerror(-ret));
	unbind_vfio(sch);
}

int main(int argc, char **argv)
{
	int iters = 100, opt, i, k, ret;
	pthread_t storm;
	struct rig_dev d;
	double t0;

	rig_prog = "vfio_ccw_stress";
	while ((opt = getopt(argc, argv, "n:s:p:")) != -1) {
		switch (opt) {
		case 'n': iters = atoi(optarg); break;
		case 's': sch = optarg; break;
		case 'p': chp = optarg; break;
		default: fail("usage: %s -n ITER -s SCH [-p CHP]", argv[0]);
		}
	}
	if (!sch || iters < 1)
		fail("usage: %s -n ITER -s SCH [-p CHP]", argv[0]);

	t0 = now_us();
	for (i = 0; i < iters; i++) {
		int variant = i % 4;

		bind_vfio(sch);
		if ((ret = mdev_create(sch, UUID)))
			fail("iteration %d: mdev create: %s", i, strerror(-ret));
		vfio_open(&d, UUID);
		d.io_efd = irq_eventfd(&d, VFIO_CCW_IO_IRQ_INDEX);
		d.req_efd = irq_eventfd(&d, VFIO_CCW_REQ_IRQ_INDEX);

		stop_events = 0;
		if (pthread_create(&storm, NULL, event_storm, NULL))
			fail("pthread_create");
		for (k = 0; k < 5; k++)
			try_sense_id(&d);

		switch (variant) {
		case 0:
			vfio_close(&d);
			if ((ret = mdev_remove(UUID)))
				fail("iteration %d: mdev remove: %s", i, strerror(-ret));
			break;
		case 1:
			teardown_open(&d, 1, i, 0);
			break;
		case 2:
			teardown_open(&d, 2, i, 0);
			break;
		case 3:
			teardown_open(&d, 1, i, 1);
			break;
		}
		stop_events = 1;
		pthread_join(storm, NULL);
		unbind_vfio(sch);

		if (i % 10 == 9) {
			quiet_check(i);
			printf("@@STRESS %d/%d iterations, %ld events, %ld I/O errors under events, %.1f s\n",
			       i + 1, iters, events_fired, io_errors, (now_us() - t0) / 1e6);
			fflush(stdout);
		}
	}
	printf("@@STRESS PASS %d iterations in a row in %.1f s (%ld css events, %ld I/O errors under events)\n",
	       iters, (now_us() - t0) / 1e6, events_fired, io_errors);
	return 0;
}
