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
 * Exit status: 0 when the SENSE ID data is what a virtio-ccw device returns.
 */
#include "rig.h"

#define MDEV_UUID "6b1c2b3a-0c4d-4e5f-8a9b-0c1d2e3f4a5b"
#define IRQ_TIMEOUT_MS 5000

static void sense_id(struct rig_dev *d, uint8_t irb[IRB_AREA_SIZE])
{
	int ret = sense_id_start(d);

	if (ret)
		fail("start SENSE ID (write I/O region): %s", strerror(-ret));
	ret = sense_id_finish(d, irb, IRQ_TIMEOUT_MS);
	if (ret)
		fail("SENSE ID: %s", ret == -ETIMEDOUT ? "no I/O interrupt within 5 s" : strerror(-ret));
}

static void must(int ret, const char *what)
{
	if (ret)
		fail("%s: %s", what, strerror(-ret));
}

int main(int argc, char **argv)
{
	const char *sch = "0.0.0000";
	int rounds = 200, loops = 20, opt, i, ok;
	uint8_t irb[IRB_AREA_SIZE], *id;
	struct rig_dev d;
	char path[256];
	double *t, t0;

	rig_prog = "vfio_ccw_demo";
	while ((opt = getopt(argc, argv, "s:n:l:")) != -1) {
		switch (opt) {
		case 's': sch = optarg; break;
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

	bind_vfio(sch);
	printf("subchannel %s bound to vfio_ccw\n", sch);

	for (i = 0; i < loops; i++) {
		t0 = now_us();
		must(mdev_create(sch, MDEV_UUID), "mdev create");
		must(mdev_remove(MDEV_UUID), "mdev remove");
		t[i] = now_us() - t0;
	}
	bench_report("mdev_create_remove", t, loops, "us");

	must(mdev_create(sch, MDEV_UUID), "mdev create");
	snprintf(path, sizeof(path), CSS "/devices/%s/mdev_supported_types/vfio_ccw-io/available_instances", sch);
	printf("mdev %s created, available_instances now %d\n", MDEV_UUID, sysfs_read_int(path));

	for (i = 0; i < loops; i++) {
		t0 = now_us();
		vfio_open(&d, MDEV_UUID);
		vfio_close(&d);
		t[i] = now_us() - t0;
	}
	bench_report("open_close", t, loops, "us");

	vfio_open(&d, MDEV_UUID);
	d.io_efd = irq_eventfd(&d, VFIO_CCW_IO_IRQ_INDEX);
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
	bench_report("sense_id_round_trip", t, rounds, "us");
	printf("SENSE ID round trip: median %.0f us over %d runs\n", t[rounds / 2], rounds);

	vfio_close(&d);
	must(mdev_remove(MDEV_UUID), "mdev remove");
	unbind_vfio(sch);
	printf("torn down: mdev removed, %s back on io_subchannel\n", sch);
	printf("@@DEMO %s\n", ok ? "PASS" : "FAIL");
	free(t);
	return ok ? 0 : 1;
}
