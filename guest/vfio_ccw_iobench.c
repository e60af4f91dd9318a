// SPDX-License-Identifier: GPL-2.0
/*
 * Channel-program latency and throughput through vfio-ccw, one thread per
 * subchannel.
 *
 *   vfio_ccw_iobench -n PROGRAMS -c CCWS -r ROUNDS SCH [SCH...]
 *
 * Each thread binds its subchannel to vfio_ccw, creates an mdev and opens
 * it. Then, ROUNDS times, all threads start together and each runs PROGRAMS
 * channel programs of CCWS command-chained CCWs (SENSE ID, then virtio-ccw
 * READ_VQ_CONF: data in and out) back to back, each started through the I/O
 * region and completed by its I/O interrupt eventfd. Every program's IRB
 * and data are checked. Prints, for NAME = io_<CCWS>ccw_<N>dev:
 *   @@BENCH NAME_latency     per program, over all threads and rounds (us)
 *   @@BENCH NAME_throughput  programs per second of all threads, per round
 */
#include "rig.h"
#include <pthread.h>

#define IRQ_TIMEOUT_MS 5000

struct worker {
	const char *sch;
	char uuid[40];
	struct rig_dev d;
	double *lat;		/* rounds * programs */
	pthread_t th;
};

static int programs = 200, ccws = 1, rounds = 3, nworkers;
static pthread_barrier_t start_line, finish_line;

static void run_program(struct worker *w, int round, int i)
{
	uint8_t irb[IRB_AREA_SIZE] = { 0 }, *id = w->d.dma + 0x100;
	double t0 = now_us();
	int ret, k;

	ret = chain_start(&w->d, ccws);
	if (!ret)
		ret = sense_id_finish(&w->d, irb, IRQ_TIMEOUT_MS);
	if (ret)
		fail("%s: program %d: %s", w->sch, i, strerror(-ret));
	w->lat[round * programs + i] = now_us() - t0;
	if (irb[8] != DEV_STAT_CE_DE || irb[9] || id[1] != 0x38 || id[2] != 0x32)
		fail("%s: program %d: device status %02x, subchannel status %02x, control unit %02x%02x",
		     w->sch, i, irb[8], irb[9], id[1], id[2]);
	for (k = 1; k < ccws; k++) {
		uint8_t *vq = w->d.dma + 0x200 + 8 * k;

		if (!vq[2] && !vq[3])
			fail("%s: program %d: READ_VQ_CONF %d moved no data", w->sch, i, k);
	}
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	int r, i;

	for (r = 0; r < rounds; r++) {
		pthread_barrier_wait(&start_line);
		for (i = 0; i < programs; i++)
			run_program(w, r, i);
		pthread_barrier_wait(&finish_line);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker *w;
	double *lat, *tput, t0;
	char name[64];
	int opt, i, r, ret;

	rig_prog = "vfio_ccw_iobench";
	while ((opt = getopt(argc, argv, "n:c:r:")) != -1) {
		switch (opt) {
		case 'n': programs = atoi(optarg); break;
		case 'c': ccws = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		default: fail("usage: %s -n PROGRAMS -c CCWS -r ROUNDS SCH...", argv[0]);
		}
	}
	nworkers = argc - optind;
	if (programs < 1 || rounds < 1 || ccws < 1 || ccws > CHAIN_MAX || nworkers < 1)
		fail("usage: %s -n PROGRAMS -c CCWS(1-%d) -r ROUNDS SCH...", argv[0], CHAIN_MAX);
	w = calloc(nworkers, sizeof(*w));
	lat = calloc((size_t)nworkers * rounds * programs, sizeof(*lat));
	tput = calloc(rounds, sizeof(*tput));
	if (!w || !lat || !tput)
		fail("out of memory");
	if (pthread_barrier_init(&start_line, NULL, nworkers + 1) ||
	    pthread_barrier_init(&finish_line, NULL, nworkers + 1))
		fail("pthread_barrier_init");

	for (i = 0; i < nworkers; i++) {
		w[i].sch = argv[optind + i];
		w[i].lat = lat + (size_t)i * rounds * programs;
		snprintf(w[i].uuid, sizeof(w[i].uuid), "10be4c00-0000-4000-8000-%012x", i);
		bind_vfio(w[i].sch);
		ret = mdev_create(w[i].sch, w[i].uuid);
		if (ret)
			fail("%s: mdev create: %s", w[i].sch, strerror(-ret));
		vfio_open(&w[i].d, w[i].uuid);
		w[i].d.io_efd = irq_eventfd(&w[i].d, VFIO_CCW_IO_IRQ_INDEX);
		if (pthread_create(&w[i].th, NULL, worker_fn, &w[i]))
			fail("pthread_create");
	}
	for (r = 0; r < rounds; r++) {
		pthread_barrier_wait(&start_line);
		t0 = now_us();
		pthread_barrier_wait(&finish_line);
		tput[r] = (double)nworkers * programs * 1e6 / (now_us() - t0);
	}
	for (i = 0; i < nworkers; i++) {
		pthread_join(w[i].th, NULL);
		vfio_close(&w[i].d);
		ret = mdev_remove(w[i].uuid);
		if (ret)
			fail("%s: mdev remove: %s", w[i].sch, strerror(-ret));
		unbind_vfio(w[i].sch);
	}
	snprintf(name, sizeof(name), "io_%dccw_%ddev_latency", ccws, nworkers);
	bench_report(name, lat, nworkers * rounds * programs, "us");
	snprintf(name, sizeof(name), "io_%dccw_%ddev_throughput", ccws, nworkers);
	bench_report(name, tput, rounds, "programs/s");
	return 0;
}
